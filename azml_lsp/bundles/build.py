"""Building a reproducible Script Bundle zip from a folder.

Entries are sorted, every timestamp is 1980-01-01 00:00, files are ``rw-r--r--`` and folders
``rwxr-xr-x`` (Unix records), names are UTF-8; caches and version-control folders are left out
and symbolic links leaving the folder refused (:mod:`~azml_lsp.bundles.folderscan`). The zip is
written to a temporary file beside the output and renamed over it, so a reader never sees a
partial zip. Two builds of the same tree give byte-identical zips.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from azml_lsp.bundles.advice import content_warnings
from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.folderscan import FolderEntry, scan_folder
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.modules import BundleModules, classify

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
DIR_MODE = 0o040755
MSDOS_DIR_FLAG = 0x10
UNIX_SYSTEM = 3
CHUNK = 1024 * 1024
TEMP_PREFIX = ".{name}."
TEMP_SUFFIX = ".tmp"


@dataclass
class BuildReport:
    """What :func:`build_bundle` wrote."""

    out: Path
    entries: list[str] = field(default_factory=list)
    """Entry names in zip order; folders end with ``/``."""
    size: int = 0
    """Bytes of the zip."""
    uncompressed: int = 0
    """Bytes of the files it holds."""
    sha256: str = ""
    modules: BundleModules = field(default_factory=BundleModules)
    warnings: list[str] = field(default_factory=list)


def build_bundle(
    src_dir: str | Path,
    out_zip: str | Path,
    *,
    exclude: Iterable[str] = (),
    limits: BundleLimits | None = None,
) -> BuildReport:
    """Zip the contents of ``src_dir`` into ``out_zip`` (see the module docstring for the rules).

    ``exclude`` holds globs: without ``/`` they match any file or folder name, with ``/`` the
    path from the root. Raises BundleError for a bad folder or output path.
    """
    src = Path(src_dir).absolute()
    out = Path(out_zip).absolute()
    _check_paths(src, out)
    entries = scan_folder(
        src, limits or BundleLimits(), exclude=exclude, skip_real=_output_files(out)
    )
    _write_atomically(out, entries)
    modules = classify((e.name, e.is_dir) for e in entries)
    with open(out, "rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    return BuildReport(
        out=out,
        entries=[e.name + "/" if e.is_dir else e.name for e in entries],
        size=out.stat().st_size,
        uncompressed=sum(e.size for e in entries),
        sha256=digest,
        modules=modules,
        warnings=content_warnings(modules, src),
    )


def _check_paths(src: Path, out: Path) -> None:
    if not src.is_dir():
        what = "not a folder" if src.exists() else "no such folder"
        raise BundleError(f"{what}; give the folder whose contents go in the bundle", path=src)
    if out.is_dir():
        raise BundleError("the output is a folder; give the path of a .zip file", path=out)
    if not out.parent.is_dir():
        raise BundleError("the output's folder does not exist; create it first", path=out)


def _output_files(out: Path) -> Callable[[str], bool]:
    """Whether a resolved path is the output zip or one of its temporary files, which must not
    go into a bundle built beside them."""
    real = os.path.realpath(out)
    temp_prefix = os.path.join(os.path.dirname(real), TEMP_PREFIX.format(name=out.name))

    def is_output(path: str) -> bool:
        return path == real or (path.startswith(temp_prefix) and path.endswith(TEMP_SUFFIX))

    return is_output


def _write_atomically(out: Path, entries: list[FolderEntry]) -> None:
    try:
        fd, temp = tempfile.mkstemp(
            dir=out.parent, prefix=TEMP_PREFIX.format(name=out.name), suffix=TEMP_SUFFIX
        )
    except OSError as exc:
        raise BundleError(f"cannot write here ({exc.strerror})", path=out) from None
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w") as zf:
                for entry in entries:
                    _add(zf, entry)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _add(zf: zipfile.ZipFile, entry: FolderEntry) -> None:
    info = zipfile.ZipInfo(entry.name + ("/" if entry.is_dir else ""), date_time=FIXED_DATE)
    info.create_system = UNIX_SYSTEM
    if entry.is_dir:
        info.external_attr = (DIR_MODE << 16) | MSDOS_DIR_FLAG
        zf.writestr(info, b"")
        return
    info.external_attr = FILE_MODE << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = entry.size
    with open(entry.source, "rb") as src, zf.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
