"""Reading a zip bundle's directory and refusing what must not be extracted, before any write.

Names not flagged as UTF-8 (zip flag bit 11) must be ASCII: other bytes would be decoded as
cp437 by Python's zipfile, as the cloud does, giving names that differ from the ones the author
typed, so they are refused with the likely intended name.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.names import NameSet, safe_name

READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class ZipEntry:
    """One accepted entry: its safe name and its zip record."""

    name: str
    info: zipfile.ZipInfo

    @property
    def is_dir(self) -> bool:
        return self.info.is_dir()


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip at ``path``; error 0102 when it is not one."""
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleError("no such file; check the path", path=path) from None
    except PermissionError:
        raise BundleError("the file cannot be read (permission denied)", path=path) from None
    except (zipfile.BadZipFile, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise BundleError.bad_zip(path, str(exc) or type(exc).__name__) from None
    except OSError as exc:
        raise BundleError.bad_zip(path, exc.strerror or str(exc)) from None


def scan_zip(zf: zipfile.ZipFile, path: Path, limits: BundleLimits) -> list[ZipEntry]:
    """Every entry of ``zf``, or BundleError for the first one that breaks a rule or a limit."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise BundleError(
            f"the zip has {len(infos)} entries, more than the limit of {limits.max_entries}; "
            "remove files or raise the bundle entry limit",
            path=path,
        )
    names = NameSet(path)
    entries: list[ZipEntry] = []
    total = 0
    for info in infos:
        _check_record(info, path)
        name = safe_name(info.orig_filename, path=path, max_length=limits.max_name_length)
        names.add(name, is_dir=info.is_dir())
        if not info.is_dir():
            total += info.file_size
            _check_size(info, total, path, limits)
        entries.append(ZipEntry(name, info))
    archive_size = max(path.stat().st_size, 1)
    if total > limits.ratio_min_bytes and total / archive_size > limits.max_ratio:
        raise BundleError(
            f"the zip expands {total / archive_size:.0f} times ({total} bytes from "
            f"{archive_size}), more than the limit of {limits.max_ratio:g}: a zip bomb, or data "
            "that does not belong in a bundle",
            path=path,
        )
    return entries


def _check_record(info: zipfile.ZipInfo, path: Path) -> None:
    name = info.orig_filename
    problem = None
    if not info.flag_bits & UTF8_FLAG and not name.isascii():
        raw = name.encode("cp437")
        intended = raw.decode("utf-8", errors="replace")
        problem = (
            f"the name is not marked as UTF-8 (bytes {raw!r}, probably {intended!r}), so it "
            "would be read as cp437; use ASCII names or rebuild the zip with `azml bundle`, "
            "which marks names as UTF-8"
        )
    elif info.flag_bits & ENCRYPTED_FLAG:
        problem = "the entry is encrypted; the cloud cannot read it: zip it without a password"
    elif stat.S_ISLNK(info.external_attr >> 16):
        problem = (
            "the entry is a symbolic link; bundles carry regular files only: "
            "put the file itself in the zip"
        )
    elif info.compress_type not in READABLE_METHODS:
        problem = (
            f"compression method {info.compress_type} cannot be read by Python's zipfile; "
            "rebuild with deflate (`azml bundle`)"
        )
    if problem is not None:
        raise BundleError(problem, path=path, member=name)


def _check_size(info: zipfile.ZipInfo, total: int, path: Path, limits: BundleLimits) -> None:
    problem = None
    ratio = info.file_size / max(info.compress_size, 1)
    if total > limits.max_bytes:
        problem = (
            f"the bundle expands to more than {limits.max_bytes} bytes (reached at this entry); "
            "make it smaller or raise the bundle size limit"
        )
    elif info.file_size > limits.ratio_min_bytes and ratio > limits.max_ratio:
        problem = (
            f"the entry expands {ratio:.0f} times ({info.file_size} bytes from "
            f"{info.compress_size}), more than the limit of {limits.max_ratio:g}: a zip bomb, "
            "or data that does not belong in a bundle"
        )
    if problem is not None:
        raise BundleError(problem, path=path, member=info.orig_filename)
