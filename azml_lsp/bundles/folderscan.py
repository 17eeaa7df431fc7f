"""Reading a folder bundle: the files ``azml bundle`` would zip and a folder ``--bundle`` copies.

Caches and version-control folders are skipped (see :mod:`azml_lsp.bundles.names`). Symbolic
links are followed when they stay inside the folder and refused when they leave it, dangle or
loop; sockets, pipes and devices are refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.names import NameSet, is_excluded, is_skipped, safe_name


@dataclass(frozen=True)
class FolderEntry:
    """One file or folder: its name inside the bundle and where it is on disk."""

    name: str
    source: Path
    is_dir: bool
    size: int


def scan_folder(
    root: Path,
    limits: BundleLimits,
    *,
    exclude: Iterable[str] = (),
    skip_real: Callable[[str], bool] | None = None,
) -> list[FolderEntry]:
    """Every file and folder under ``root``, sorted by name, or BundleError naming the first
    that breaks a rule or a limit. ``skip_real`` leaves out files by their resolved path."""
    patterns = list(exclude)
    root_real = os.path.realpath(root)
    names = NameSet(root)
    entries: list[FolderEntry] = []
    total = 0
    pending: list[tuple[Path, str, tuple[str, ...]]] = [(root, "", (root_real,))]
    while pending:
        folder, prefix, chain = pending.pop()
        for item in _listing(folder, root, prefix):
            name = f"{prefix}/{item.name}" if prefix else item.name
            if is_skipped(name) or is_excluded(name, patterns):
                continue
            linked = item.is_symlink()
            real = os.path.realpath(item.path) if linked else os.path.join(chain[-1], item.name)
            if skip_real is not None and skip_real(real):
                continue
            if linked:
                _check_link(real, root, root_real, name, chain)
            name = safe_name(name, path=root, max_length=limits.max_name_length)
            is_dir = item.is_dir()
            names.add(name, is_dir=is_dir)
            size = 0 if is_dir else _regular_size(item, root, name)
            total += size
            entries.append(FolderEntry(name, Path(item.path), is_dir, size))
            _check_totals(len(entries), total, root, name, limits)
            if is_dir:
                pending.append((Path(item.path), name, (*chain, real)))
    entries.sort(key=lambda e: e.name)
    return entries


def _listing(folder: Path, root: Path, prefix: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as items:
            return sorted(items, key=lambda e: e.name)
    except FileNotFoundError:
        raise BundleError(
            "no such folder; check the path", path=root, member=prefix or None
        ) from None
    except OSError as exc:
        raise BundleError(
            f"the folder cannot be read ({exc.strerror})", path=root, member=prefix or None
        ) from None


def _check_link(real: str, root: Path, root_real: str, name: str, chain: tuple[str, ...]) -> None:
    problem = None
    if not (real == root_real or real.startswith(root_real + os.sep)):
        problem = (
            f"a symbolic link to {real}, outside the bundle folder; the cloud gets only what "
            "is inside: copy the file in or remove the link"
        )
    elif not os.path.exists(real):
        problem = "a symbolic link to a file that does not exist; remove it"
    elif real in chain:
        problem = "a symbolic link to one of its own parent folders (a loop); remove it"
    if problem is not None:
        raise BundleError(problem, path=root, member=name)


def _regular_size(item: os.DirEntry[str], root: Path, name: str) -> int:
    if not item.is_file():
        raise BundleError(
            "not a regular file (a socket, pipe or device); remove it", path=root, member=name
        )
    return item.stat().st_size


def _check_totals(count: int, total: int, root: Path, name: str, limits: BundleLimits) -> None:
    problem = None
    if count > limits.max_entries:
        problem = (
            f"the folder has more than {limits.max_entries} files and folders (reached here); "
            "exclude some or raise the bundle entry limit"
        )
    elif total > limits.max_bytes:
        problem = (
            f"the folder holds more than {limits.max_bytes} bytes (reached at this file); "
            "exclude large files or raise the bundle size limit"
        )
    if problem is not None:
        raise BundleError(problem, path=root, member=name)
