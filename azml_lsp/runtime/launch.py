"""Start the processes that run scripts. Standard library only, so the command line can start
a run's process before it has imported anything else."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])

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


def spawn_worker(
    python: str | None, light: bool, tied: bool = False
) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start ``python -m azml_lsp.runtime.worker`` in a session of its own; returns the process
    and this side of its ``SOCK_SEQPACKET`` socket pair. ``tied``: the worker dies with this
    process (only for a caller that keeps the starting thread alive, such as the CLI's main
    thread); otherwise it ends when it sees the socket close."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with theirs:
        process = subprocess.Popen(
            [
                python or sys.executable,
                *("-X", "utf8", "-m", "azml_lsp.runtime.worker", str(theirs.fileno())),
                *(["--light"] if light else []),
                *(["--tied", str(os.getpid())] if tied else []),
            ],
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env=child_environment(),
            start_new_session=True,
        )
    return process, ours
