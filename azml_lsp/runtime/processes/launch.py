"""Start the processes that run scripts. Standard library only, so the command line can start
a run's process before it has imported anything else."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Protocol

_SOURCE_ROOT = str(Path(__file__).resolve().parents[3])

#: Allocators that keep the memory cap (an address-space limit) about the data: Arrow's default
#: jemalloc pool reserves 1 GB of address space on first use, and glibc reserves 64 MB more per
#: thread that allocates. A warm worker's children inherit all of it, so under those defaults a
#: 1.5 GB cap left the script almost nothing. Arrow on the system allocator is as fast here.
ALLOCATOR_ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2"}


def child_environment() -> dict[str, str]:
    """A run process's environment: ours, with this package importable by any interpreter."""
    env = dict(os.environ)
    paths = [_SOURCE_ROOT, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop("PYTHONSTARTUP", None)
    for name, value in ALLOCATOR_ENVIRONMENT.items():
        env.setdefault(name, value)
    return env


def drop_startup_path_entry() -> None:
    """Remove the folder Python put first on ``sys.path`` at start-up (the command's working
    folder or its script's folder): a run imports from its Script Bundle and installed packages,
    as in the cloud, never from where the command happened to start. This package stays
    importable."""
    del sys.path[0]
    if _SOURCE_ROOT not in sys.path:
        sys.path.insert(0, _SOURCE_ROOT)


def spawn_worker(
    python: str | None, light: bool, tied: bool = False
) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start ``python -m azml_lsp.runtime.processes.worker`` in a session of its own; returns the process
    and this side of its ``SOCK_SEQPACKET`` socket pair. ``tied``: the worker dies with this
    process (only for a caller that keeps the starting thread alive, such as the CLI's main
    thread); otherwise it ends when it sees the socket close."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with theirs:
        process = subprocess.Popen(
            [
                python or sys.executable,
                *("-X", "utf8", "-m", "azml_lsp.runtime.processes.worker", str(theirs.fileno())),
                *(["--light"] if light else []),
                *(["--tied", str(os.getpid())] if tied else []),
            ],
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env=child_environment(),
            start_new_session=True,
        )
    return process, ours


class WorkerProcess(Protocol):
    """A started worker process: what :class:`subprocess.Popen` offers and a forked one too."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...

    def wait(self) -> int: ...


class ForkedProcess:
    """A child this process forked, with the part of the ``Popen`` interface a worker needs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self) -> int:
        while self.returncode is None:
            self._reap(0)
        return self.returncode

    def _reap(self, options: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, options)
        except ChildProcessError:
            self.returncode = self.returncode if self.returncode is not None else -9
            return
        if pid == self.pid:
            self.returncode = os.waitstatus_to_exitcode(status)


#: ``mallopt`` parameter number of ``M_ARENA_MAX`` in glibc.
_M_ARENA_MAX = -8


def can_fork_worker() -> bool:
    """Forking this process gives a worker like a spawned one: POSIX, and text I/O in UTF-8 as
    the spawned worker's ``-X utf8`` makes it (a locale in another encoding spawns instead)."""
    if not hasattr(os, "fork") or sys.platform == "darwin":  # macOS frameworks break after fork
        return False
    if sys.flags.utf8_mode:
        return True
    import locale

    return locale.getpreferredencoding(False).replace("-", "").lower() == "utf8"


def fork_worker(light: bool) -> tuple[ForkedProcess, socket.socket]:
    """Start the worker by forking this process, which dies with it: the run then does not pay
    for a second interpreter start-up. Only call it from a process with no threads and nothing
    heavy imported yet (the command line's entry point), after :func:`can_fork_worker`."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked worker's coverage is not collected
        code = 70
        try:
            ours.close()
            _become_worker(parent)
            from azml_lsp.runtime.processes.worker import worker_main

            code = worker_main(theirs.detach(), light=light)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)
    theirs.close()
    return ForkedProcess(pid), ours


def _become_worker(parent: int) -> None:
    """In a forked worker: the session, streams, environment, import path and text mode a
    spawned worker (:func:`spawn_worker`) starts with."""
    os.setsid()
    from azml_lsp.runtime.processes import die_with_parent

    die_with_parent(parent)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # the command's output is the command's: a reader waits for no worker
    os.close(null)
    environment = child_environment()
    os.environ.clear()
    os.environ.update(environment)
    _cap_malloc_arenas(environment["MALLOC_ARENA_MAX"])
    sys.argv[:] = [str(Path(__file__).with_name("worker.py"))]
    drop_startup_path_entry()
    if not sys.flags.utf8_mode:
        for stream in (sys.stdin, sys.stdout):
            if stream is not None:  # None when the command started without that descriptor
                stream.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]


def _cap_malloc_arenas(value: str) -> None:
    """``MALLOC_ARENA_MAX`` is read when a process starts: set the same cap for this one."""
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, int(value))
    except (OSError, AttributeError, ValueError):
        pass
