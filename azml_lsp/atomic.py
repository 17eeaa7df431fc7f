"""Atomic file writes: a temp file in the target's folder, then ``os.replace``.

A reader sees either the previous file or the complete new one, never a partial file, also when
the writing process is killed at any point; a write that fails removes its temp file. A killed
process may leave a temp file behind (named ``.<target>.<random>.partial``), never a
half-written target. Files are not fsync'ed: the promise covers killed processes, not power
cuts, and an fsync per output would cost every run tens of milliseconds. A replaced file keeps
its permissions. Standard library only: every layer may use it.
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
    """Yield a temp path beside ``target``; on a clean exit it is renamed to it."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        os.chmod(temp, _mode_of(target))
        yield temp
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


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


def _mode_of(target: Path) -> int:
    """The existing file's permissions, else the default for a new file."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
