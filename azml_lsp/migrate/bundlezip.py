"""A zip Script Bundle migrated: its ``.py`` modules read from the zip, and the migrated zip
written with every other entry copied as it was.

The zip is read with the checks every bundle operation makes (:mod:`azml_lsp.bundles.zipscan`:
entry names, encryption, links, sizes), so a zip the runtime refuses is refused here with the
same message. The zip is never extracted.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.extract import CORRUPT_DATA
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.names import is_skipped
from azml_lsp.bundles.zipscan import ZipEntry, open_zip, scan_zip
from azml_lsp.migrate.encoding import encode

CHUNK = 1 << 20

Decoder = Callable[[bytes], str]


def read_modules(path: Path, decode: Decoder) -> list[tuple[str, str]]:
    """``(entry name, text)`` of every ``.py`` module in the zip, in name order; ValueError
    naming the zip (and the entry) when it cannot be read as a bundle."""
    try:
        with open_zip(path, BundleLimits()) as zf:
            entries = scan_zip(zf, path, BundleLimits())
            modules = [e for e in entries if _is_module(e)]
            return [(e.name, decode(_read(zf, e, path))) for e in sorted(modules, key=_name)]
    except BundleError as exc:
        raise ValueError(f"--bundle {exc}") from None


def write_zip(source: Path, replaced: dict[str, str], out: Path) -> None:
    """Write to ``out`` (a temp file: the caller renames it) the entries of ``source`` in their
    order, the modules named in ``replaced`` (entry name to text) with their new text, in UTF-8
    and dated now; every other entry and the zip's comment copied unchanged. ValueError when
    ``source`` cannot be read."""
    now = time.localtime()[:6]
    try:
        with open_zip(source, BundleLimits()) as zf, zipfile.ZipFile(out, "w") as dst:
            dst.comment = zf.comment
            for entry in scan_zip(zf, source, BundleLimits()):
                _copy_entry(zf, entry, replaced.get(entry.name), dst, now, source)
    except BundleError as exc:
        raise ValueError(f"--bundle {exc}") from None


def migrated_name(source: Path, env: str) -> Path:
    """Where the migrated zip goes when the original is kept: ``lib.zip`` -> ``lib.designer.zip``."""
    return source.with_name(f"{source.stem}.{env}{source.suffix or '.zip'}")


def _is_module(entry: ZipEntry) -> bool:
    return not entry.is_dir and entry.name.endswith(".py") and not is_skipped(entry.name)


def _name(entry: ZipEntry) -> str:
    return entry.name


def _copy_entry(
    zf: zipfile.ZipFile,
    entry: ZipEntry,
    text: str | None,
    dst: zipfile.ZipFile,
    now: tuple[int, int, int, int, int, int],
    source: Path,
) -> None:
    """One entry into ``dst``: its record's name, date, method, permissions and comment kept;
    its data replaced by ``text`` (then dated ``now``) or copied."""
    info = zipfile.ZipInfo(entry.info.filename, date_time=entry.info.date_time)
    info.compress_type = entry.info.compress_type
    info.external_attr = entry.info.external_attr
    info.create_system = entry.info.create_system
    info.comment = entry.info.comment
    if entry.is_dir:
        dst.writestr(info, b"")
    elif text is not None:
        info.date_time = now
        dst.writestr(info, encode(text, source / entry.name))
    else:
        info.file_size = entry.info.file_size
        try:
            with zf.open(entry.info) as data, dst.open(info, "w") as copy:
                shutil.copyfileobj(data, copy, CHUNK)
        except CORRUPT_DATA as exc:
            raise _damaged(source, entry, exc) from None


def _read(zf: zipfile.ZipFile, entry: ZipEntry, path: Path) -> bytes:
    try:
        with zf.open(entry.info) as data:
            return data.read()
    except CORRUPT_DATA as exc:
        raise _damaged(path, entry, exc) from None


def _damaged(path: Path, entry: ZipEntry, exc: BaseException) -> BundleError:
    return BundleError.bad_zip(
        path, f"the entry's data is damaged: {exc}", member=entry.info.orig_filename
    )
