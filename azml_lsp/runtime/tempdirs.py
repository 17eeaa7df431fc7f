"""Private temp folders that a killed owner cannot leak.

Each folder holds a lock file its owner keeps locked while it lives. The system drops the lock
when the owner dies, even by SIGKILL, so the next folder made with the same prefix removes any
folder whose lock is free. Folders a caller keeps on purpose give up their lock file and are
never swept.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS: folders are not swept
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".azml-owner.lock"


class OwnedTempDir:
    """A fresh folder under the system temp folder, locked by this process until released."""

    def __init__(self, prefix: str) -> None:
        sweep(prefix)
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        self._lock_fd = _hold_lock(self.path)

    def release(self, keep: bool = False) -> None:
        """Remove the folder, or with ``keep`` leave it for the user (and out of later sweeps)."""
        if keep:
            with contextlib.suppress(OSError):
                (self.path / LOCK_NAME).unlink()
        else:
            shutil.rmtree(self.path, ignore_errors=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


@contextlib.contextmanager
def owned_tempdir(prefix: str) -> Iterator[Path]:
    """A locked private temp folder for the ``with`` block, removed afterwards."""
    folder = OwnedTempDir(prefix)
    try:
        yield folder.path
    finally:
        folder.release()


def sweep(prefix: str) -> list[Path]:
    """Remove the folders named ``prefix*`` whose owner died without removing them."""
    removed: list[Path] = []
    if fcntl is None:
        return removed
    for folder in Path(tempfile.gettempdir()).glob(prefix + "*"):
        try:
            fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CLOEXEC)
        except OSError:  # no lock file: being set up, kept on purpose, or not ours
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # the owner is alive
            os.close(fd)
            continue
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)
        removed.append(folder)
    return removed


def _hold_lock(folder: Path) -> int | None:
    """Lock a file in ``folder`` for as long as this process keeps the returned descriptor. The
    lock is taken before the file gets its name, so a sweep never finds it unlocked."""
    if fcntl is None:
        return None
    staging = folder / (LOCK_NAME + ".new")
    fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.rename(staging, folder / LOCK_NAME)
    return fd
