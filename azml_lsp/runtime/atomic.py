"""Atomic file writes: a temp file in the target's folder, fsync, then ``os.replace``.

A reader sees either the previous file or the complete new one, never a partial file; a write
that fails removes its temp file. A killed process may leave a temp file behind (named
``.<target>.<random>.partial``), never a half-written target. No pandas here: the parent uses it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PARTIAL_SUFFIX = ".partial"


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on a clean exit it is synced and renamed to it."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        os.chmod(temp, 0o666 & ~_umask())
        yield temp
        _fsync_file(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_dir(target.parent)


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)


def write_text(target: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``target`` atomically."""
    write_bytes(target, text.encode("utf-8"))


def is_partial(path: Path) -> bool:
    """True for a temp file an interrupted atomic write left behind."""
    return path.name.startswith(".") and path.name.endswith(PARTIAL_SUFFIX)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
