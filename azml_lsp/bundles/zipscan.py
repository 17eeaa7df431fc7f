"""Reading a zip bundle's directory and refusing what must not be extracted, before any write.

Names not flagged as UTF-8 (zip flag bit 11) must be ASCII: other bytes would be decoded as
cp437 by Python's zipfile, as the cloud does, giving names that differ from the ones the author
typed, so they are refused with the likely intended name.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.names import NameSet, safe_name

READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
MAX_COMMENT = 0xFFFF
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_LOCATOR_SIZE = 20
ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
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


def open_zip(path: Path, limits: BundleLimits) -> zipfile.ZipFile:
    """The zip at ``path``; error 0102 when it is not one.

    The entry count the end record declares is checked before the central directory is read,
    so a zip with millions of entries is refused without building millions of records.
    """
    try:
        declared = declared_entry_count(path)
        if declared is not None and declared > limits.max_entries:
            raise _too_many(declared, path, limits)
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleError("no such file; check the path", path=path) from None
    except PermissionError:
        raise BundleError("the file cannot be read (permission denied)", path=path) from None
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise BundleError.bad_zip(path, str(exc) or type(exc).__name__) from None
    except OSError as exc:
        raise BundleError.bad_zip(path, exc.strerror or str(exc)) from None


def scan_zip(zf: zipfile.ZipFile, path: Path, limits: BundleLimits) -> list[ZipEntry]:
    """Every entry of ``zf``, or BundleError for the first one that breaks a rule or a limit."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise _too_many(len(infos), path, limits)
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


def declared_entry_count(path: Path) -> int | None:
    """The entry count in the zip's end record (zip64 aware), or None when there is none."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        tail_length = min(size, EOCD_SIZE + MAX_COMMENT + ZIP64_LOCATOR_SIZE)
        f.seek(size - tail_length)
        tail = f.read()
        at = tail.rfind(EOCD_SIGNATURE)
        if at < 0 or len(tail) - at < EOCD_SIZE:
            return None
        (count,) = struct.unpack_from("<H", tail, at + 10)
        locator = at - ZIP64_LOCATOR_SIZE
        if count != 0xFFFF or locator < 0 or tail[locator : locator + 4] != ZIP64_LOCATOR:
            return int(count)
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        f.seek(offset)
        record = f.read(40)
    if len(record) < 40 or record[:4] != ZIP64_EOCD_SIGNATURE:
        return None
    return int(struct.unpack_from("<Q", record, 32)[0])


def _too_many(count: int, path: Path, limits: BundleLimits) -> BundleError:
    return BundleError(
        f"the zip has {count} entries, more than the limit of {limits.max_entries}; "
        "remove files or raise the bundle entry limit",
        path=path,
    )


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
