"""A worker started before the command line is parsed, for the one run of ``azml run``."""

from __future__ import annotations

import contextlib
import os
import socket
from typing import TYPE_CHECKING

from azml_lsp.runtime.processes.launch import (
    WorkerProcess,
    can_fork_worker,
    fork_worker,
    spawn_worker,
)

if TYPE_CHECKING:
    from azml_lsp.runtime.processes.worker import WarmWorker

_started: tuple[WorkerProcess, socket.socket] | None = None


#: How much lower the worker's CPU priority is while a twin starts beside it (see :func:`start`).
BESIDE_A_TWIN_NICENESS = 5


def start(beside_a_twin: bool = False) -> None:
    """Start a light worker now: it imports pandas while the caller does other work. It is a
    fork of this process where that gives the same worker (no second interpreter start-up).

    ``beside_a_twin``: the run will happen in a twin whose zygote is starting too. That start-up
    is the longer, so on a busy machine the worker yields the CPU to it."""
    global _started
    _started = fork_worker(light=True) if can_fork_worker() else spawn_worker(None, True, True)
    if beside_a_twin:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, _started[0].pid, BESIDE_A_TWIN_NICENESS)


def take() -> WarmWorker | None:
    """The started worker, once; None when none was started."""
    global _started
    if _started is None:
        return None
    from azml_lsp.runtime.processes.worker import WarmWorker

    process, sock = _started
    _started = None
    return WarmWorker.adopt(process, sock, light=True)
