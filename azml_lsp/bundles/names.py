"""Entry names: which are safe to create under the bundle folder, and which files a bundle skips.

Rules (the same for zip entries and folder files):

* names are relative, ``/``-separated paths; empty and ``.`` segments are dropped;
* refused: ``..`` segments, absolute paths (``/x``, ``//server/x``), drive letters (``C:x``),
  backslashes (a Windows separator inside a name would mean different files on Windows and
  Linux), control characters, names longer than ``BundleLimits.max_name_length`` characters and
  segments longer than 255 UTF-8 bytes;
* two names that differ only by case or Unicode normalisation are refused: they overwrite each
  other on Windows and macOS, so what runs would depend on the machine;
* a name used both as a file and as a folder is refused.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.limits import MAX_SEGMENT_BYTES

SKIPPED_DIRS = frozenset(
    {
        "__pycache__",
        ".git",
        ".hg",
        ".svn",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
    }
)
SKIPPED_FILES = frozenset({".DS_Store", "Thumbs.db"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")

_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)
_WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_name(name: str, *, path: str | Path, max_length: int) -> str:
    """``name`` normalised to ``a/b/c`` (no trailing ``/``), or BundleError saying why not."""
    segments = [s for s in name.split("/") if s not in ("", ".")]
    problem = _name_problem(name, segments, max_length)
    if problem is not None:
        raise BundleError(problem, path=path, member=name)
    return "/".join(segments)


def _name_problem(name: str, segments: list[str], max_length: int) -> str | None:
    if _CONTROL.search(name):
        return "the name has a control character; rename the file"
    if "\\" in name:
        return (
            "the name has a backslash: on Linux it is part of a file name, not a folder "
            "separator, so the file would not land where the code expects it; zip names "
            "separate folders with '/' (older PowerShell Compress-Archive writes '\\'): "
            "rebuild the zip with `azml bundle DIR -o bundle.zip`"
        )
    if name.startswith("/"):
        return "absolute path; entries must be relative to the bundle root"
    if _DRIVE.match(name):
        return "the name starts with a drive letter; entries must be relative to the bundle root"
    if len(name) > max_length:
        return f"the name is longer than {max_length} characters; shorten it"
    if ".." in segments:
        return "'..' in the path would write outside the bundle folder; remove it"
    if not segments:
        return "empty name"
    if any(len(s.encode("utf-8")) > MAX_SEGMENT_BYTES for s in segments):
        return f"a file or folder name is longer than {MAX_SEGMENT_BYTES} bytes; shorten it"
    return None


class NameSet:
    """Names accepted so far; refuses duplicates (exact, by case, by normalisation) and clashes
    between a file and a folder of the same name."""

    def __init__(self, path: str | Path) -> None:
        self._path = path
        self._files: dict[str, str] = {}
        self._dirs: dict[str, str] = {}

    def add(self, name: str, *, is_dir: bool) -> None:
        """Record one safe name (see :func:`safe_name`), or raise BundleError."""
        parts = name.split("/")
        for depth in range(1, len(parts)):
            self._claim("/".join(parts[:depth]), original=name, is_dir=True)
        self._claim(name, original=name, is_dir=is_dir)

    def _claim(self, name: str, *, original: str, is_dir: bool) -> None:
        key = unicodedata.normalize("NFC", name).casefold()
        same, other = (self._dirs, self._files) if is_dir else (self._files, self._dirs)
        if key in other:
            problem = f"{other[key]!r} is both a file and a folder; rename one of them"
        elif key not in same:
            same[key] = name
            return
        elif is_dir and same[key] == name:
            return
        elif same[key] == name:
            problem = "the name appears twice; remove one"
        else:
            problem = (
                f"the name clashes with {same[key]!r}: they differ only by case or accents, so on "
                "Windows and macOS one overwrites the other; rename one"
            )
        raise BundleError(problem, path=self._path, member=original)


def windows_unsafe(name: str) -> bool:
    """True when a safe name cannot exist on Windows: a reserved device name (``con``,
    ``aux.py``, ``com1``...), a trailing dot or space, or one of ``<>:"|?*``."""
    return any(
        _WINDOWS_RESERVED.match(s) or s.endswith((".", " ")) or not _WINDOWS_FORBIDDEN.isdisjoint(s)
        for s in name.split("/")
    )


def is_skipped(name: str) -> bool:
    """True for files a bundle never carries: caches, VCS folders, Finder metadata."""
    parts = name.split("/")
    if any(p in SKIPPED_DIRS for p in parts[:-1]):
        return True
    last = parts[-1]
    return last in SKIPPED_DIRS or last in SKIPPED_FILES or last.endswith(SKIPPED_SUFFIXES)


def is_excluded(name: str, patterns: Iterable[str]) -> bool:
    """True when ``name`` or one of its parent folders matches a glob.

    A pattern without ``/`` matches any single file or folder name (``*.csv``, ``tests``); a
    pattern with ``/`` matches the relative path from the root (``data/*.parquet``).
    """
    parts = name.split("/")
    for pattern in patterns:
        body = pattern.strip("/")
        if "/" in body:
            prefixes = ("/".join(parts[:i]) for i in range(1, len(parts) + 1))
            if any(fnmatch.fnmatchcase(p, body) for p in prefixes):
                return True
        elif any(fnmatch.fnmatchcase(p, body) for p in parts):
            return True
    return False
