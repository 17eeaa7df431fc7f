"""Extracting a zip bundle, or copying a folder bundle, into the run's ``Script Bundle`` folder.

Every rule of :mod:`~azml_lsp.bundles.names`, :mod:`~azml_lsp.bundles.zipscan` and
:mod:`~azml_lsp.bundles.folderscan` is checked before the first write; sizes are checked again
on the bytes actually written. Files are created with ``O_EXCL | O_NOFOLLOW`` inside folders
this module created, so nothing lands outside the destination. On any refusal the destination
is removed.
"""

from __future__ import annotations

import lzma
import os
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from azml_lsp.bundles.advice import content_warnings
from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.folderscan import scan_folder
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.modules import BundleModules, classify, egg_paths
from azml_lsp.bundles.zipscan import ZipEntry, open_zip, scan_zip

CHUNK = 1024 * 1024
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
CORRUPT_DATA = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
"""What zipfile raises for damaged data, unsupported features or a local header that
contradicts the central directory; write errors are turned into BundleError first."""


@dataclass
class ExtractedBundle:
    """A bundle on disk, ready for ``sys.path``.

    ``sources`` maps each extracted file's absolute path to the file it came from: the user's
    own file for a folder bundle, ``"<zip path>/<member>"`` for a zip.
    """

    root: Path
    origin: Path
    sources: dict[str, str] = field(default_factory=dict)
    modules: BundleModules = field(default_factory=BundleModules)
    warnings: list[str] = field(default_factory=list)

    def python2_paths(self) -> list[str]:
        """What a Python 2.7 run appends to ``sys.path`` after the bundle: its
        ``Python27/site-packages`` folder and the eggs in it (empty when it carries none)."""
        site = self.modules.python2_site
        folder = self.root / site if site else None
        return egg_paths(folder) if folder is not None and folder.is_dir() else []

    def shown_path(self, path: str) -> str:
        """The name the user knows an extracted file by (its source), else ``path``."""
        if path in self.sources:
            return self.sources[path]
        real = os.path.realpath(path)
        return next((v for k, v in self.sources.items() if os.path.realpath(k) == real), path)


def extract_bundle(
    source: str | Path, dest: Path, limits: BundleLimits | None = None
) -> ExtractedBundle:
    """Extract the zip or copy the folder ``source`` into ``dest`` (created; must not hold
    anything yet), or raise BundleError leaving no ``dest`` behind."""
    origin = Path(source).absolute()
    root = Path(dest).absolute()
    bounds = limits or BundleLimits()
    _create_empty(root)
    try:
        writer = _Writer(root, origin, bounds)
        copy = _copy_folder if origin.is_dir() else _extract_zip
        names = copy(origin, writer)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    modules = classify(names)
    return ExtractedBundle(
        root=root,
        origin=origin,
        sources=writer.sources,
        modules=modules,
        warnings=content_warnings(modules, root),
    )


def _create_empty(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BundleError(f"cannot create the folder ({exc.strerror})", path=root) from None
    if any(root.iterdir()):
        raise BundleError(
            "the destination folder is not empty; extract into a fresh folder", path=root
        )


def _copy_folder(origin: Path, writer: _Writer) -> list[tuple[str, bool]]:
    entries = scan_folder(origin, writer.limits)
    for entry in entries:
        if entry.is_dir:
            writer.folder(entry.name)
            continue
        try:
            stream = open(entry.source, "rb")  # noqa: SIM115 - closed by the with below
            mode = os.fstat(stream.fileno()).st_mode
        except OSError as exc:
            raise BundleError(
                f"cannot read the file ({exc.strerror})", path=origin, member=entry.name
            ) from None
        with stream:
            path = writer.file(entry.name, stream, executable=bool(mode & 0o111), declared=None)
        writer.sources[path] = str(entry.source)
    return [(e.name, e.is_dir) for e in entries]


def _extract_zip(origin: Path, writer: _Writer) -> list[tuple[str, bool]]:
    with open_zip(origin, writer.limits) as zf:
        entries = scan_zip(zf, origin, writer.limits)
        for entry in entries:
            if entry.is_dir:
                writer.folder(entry.name)
            else:
                _extract_member(zf, entry, origin, writer)
    return [(e.name, e.is_dir) for e in entries]


def _extract_member(zf: zipfile.ZipFile, entry: ZipEntry, origin: Path, writer: _Writer) -> None:
    info = entry.info
    try:
        with zf.open(info) as stream:
            path = writer.file(
                entry.name,
                stream,
                executable=bool((info.external_attr >> 16) & 0o111),
                declared=info.file_size,
            )
    except CORRUPT_DATA as exc:
        raise BundleError.bad_zip(
            origin, f"the entry's data is damaged: {exc}", member=info.orig_filename
        ) from None
    writer.sources[path] = f"{origin}/{entry.name}"


class _Writer:
    """Creates folders and files under ``root``, counting every byte written."""

    def __init__(self, root: Path, origin: Path, limits: BundleLimits) -> None:
        self.root = str(root)
        self.origin = origin
        self.limits = limits
        self.sources: dict[str, str] = {}
        self.total = 0
        self._folders: set[str] = set()

    def target(self, name: str) -> str:
        return os.path.join(self.root, *name.split("/"))

    def folder(self, name: str) -> None:
        if name in self._folders:
            return
        try:
            os.makedirs(self.target(name), exist_ok=True)
        except OSError as exc:
            raise self._cannot_write(name, exc) from None
        self._folders.add(name)

    def file(self, name: str, stream: IO[bytes], *, executable: bool, declared: int | None) -> str:
        """Copy ``stream`` to a new file and return its path; read errors propagate, write
        errors are BundleError."""
        if "/" in name:
            self.folder(name.rsplit("/", 1)[0])
        path = self.target(name)
        try:
            fd = os.open(path, CREATE_FLAGS, 0o755 if executable else 0o644)
        except OSError as exc:
            raise self._cannot_write(name, exc) from None
        written = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                written += len(chunk)
                self.total += len(chunk)
                self._check(name, written, declared)
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise self._cannot_write(name, exc) from None
        return path

    def _cannot_write(self, name: str, exc: OSError) -> BundleError:
        return BundleError(
            f"cannot write {self.target(name)} ({exc.strerror}); check the free space and "
            "permissions of the working directory",
            path=self.origin,
            member=name,
        )

    def _check(self, name: str, written: int, declared: int | None) -> None:
        problem = None
        if declared is not None and written > declared:
            problem = (
                f"the entry expands beyond its declared size of {declared} bytes: a crafted "
                "zip (zip bomb); rebuild it"
            )
        elif self.total > self.limits.max_bytes:
            problem = (
                f"the bundle expands to more than {self.limits.max_bytes} bytes (reached at "
                "this entry); make it smaller or raise the bundle size limit"
            )
        if problem is not None:
            raise BundleError(problem, path=self.origin, member=name)
