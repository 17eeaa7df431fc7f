"""Writing real zips for the bundle tests, including ones no honest tool would write."""

from __future__ import annotations

import os
import struct
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from azml_lsp.bundles import BundleError, BundleLimits, extract_bundle
from azml_lsp.contract import BUNDLE_DIR_NAME

LOCAL_SIGNATURE = b"PK\x03\x04"
CENTRAL_SIGNATURE = b"PK\x01\x02"


def write_zip(
    path: Path,
    members: Iterable[tuple[str | zipfile.ZipInfo, bytes | str]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A zip holding ``members`` in order; duplicate names are written as given."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(path, "w", compression=compression) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def symlink_info(name: str) -> zipfile.ZipInfo:
    """A zip record marked as a Unix symbolic link."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


def patch_member(
    path: Path,
    name: str,
    *,
    add_flags: int = 0,
    file_size: int | None = None,
    method: int | None = None,
    raw_name: bytes | None = None,
) -> None:
    """Rewrite fields of ``name``'s local and central headers in place."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo(name).header_offset
        central = zf.start_dir
    assert data[local : local + 4] == LOCAL_SIGNATURE
    _patch(data, local, (6, 8, 22, 30), add_flags, file_size, method, raw_name)
    while data[central : central + 4] == CENTRAL_SIGNATURE:
        n, m, k = struct.unpack_from("<3H", data, central + 28)
        if bytes(data[central + 46 : central + 46 + n]) == name.encode():
            _patch(data, central, (8, 10, 24, 46), add_flags, file_size, method, raw_name)
        central += 46 + n + m + k
    path.write_bytes(bytes(data))


def _patch(
    data: bytearray,
    at: int,
    offsets: tuple[int, int, int, int],
    add_flags: int,
    file_size: int | None,
    method: int | None,
    raw_name: bytes | None,
) -> None:
    flags_at, method_at, size_at, name_at = offsets
    (flags,) = struct.unpack_from("<H", data, at + flags_at)
    struct.pack_into("<H", data, at + flags_at, flags | add_flags)
    if method is not None:
        struct.pack_into("<H", data, at + method_at, method)
    if file_size is not None:
        struct.pack_into("<L", data, at + size_at, file_size)
    if raw_name is not None:
        data[at + name_at : at + name_at + len(raw_name)] = raw_name


def snapshot(root: Path) -> dict[str, int]:
    """Every path under ``root`` with its size (-1 for folders, -2 for links)."""
    found: dict[str, int] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            full = Path(folder, name)
            size = -2 if full.is_symlink() else -1 if full.is_dir() else full.stat().st_size
            found[str(full.relative_to(root))] = size
    return found


def refuse(tmp_path: Path, bundle: Path, limits: BundleLimits | None = None) -> BundleError:
    """Extract ``bundle`` expecting a refusal that names it; assert nothing changed under
    ``tmp_path`` and no destination is left."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    before = snapshot(tmp_path)
    with pytest.raises(BundleError) as caught:
        extract_bundle(bundle, work / BUNDLE_DIR_NAME, limits)
    assert snapshot(tmp_path) == before
    assert not (work / BUNDLE_DIR_NAME).exists()
    assert str(bundle) in str(caught.value)
    return caught.value
