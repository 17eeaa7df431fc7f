"""Process-level setup of a run's child: memory cap, headless plotting, stack dumps on timeout."""

from __future__ import annotations

import faulthandler
import os
import resource
import signal
from typing import IO

from azml_lsp.runtime.model import RunRequest
from azml_lsp.runtime.processes import die_with_parent
from azml_lsp.runtime.processes.forkguard import limit_processes
from azml_lsp.runtime.rundir import RunDir

#: The parent sends this signal before killing a run that timed out: the child then writes its
#: Python stack to ``stack.txt``, so the timeout error can name the line that was running.
STACK_DUMP_SIGNAL = signal.SIGUSR1

_stack_file: IO[str] | None = None
#: The pipe the parent reports on once it has capped this process's processes, and the cap.
_pending_cap: tuple[int, int] | None = None


def apply_limits(
    request: RunRequest, rundir: RunDir, parent: int, cap_report: int | None = None
) -> None:
    """Cap memory, select a headless matplotlib backend and arm the stack dump. The process cap
    is applied here, or, given ``cap_report`` (a pipe), by the parent meanwhile: then
    :func:`await_process_cap` must run before any user code."""
    global _stack_file, _pending_cap
    die_with_parent(parent)
    if cap_report is None:
        limit_processes(request.max_processes)
    else:
        _pending_cap = (cap_report, request.max_processes)
    if request.memory_mb:
        cap = int(request.memory_mb) * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    os.environ["MPLBACKEND"] = "Agg"
    if request.sandbox == "strict":
        os.environ["MPLCONFIGDIR"] = str(rundir.mpl_config)
    _stack_file = open(rundir.stack_file, "w")  # noqa: SIM115 - kept open for the signal handler
    faulthandler.enable(file=_stack_file, all_threads=False)
    faulthandler.register(STACK_DUMP_SIGNAL, file=_stack_file, all_threads=False)


def await_process_cap() -> None:
    """Before user code runs: wait for the parent's word that it put this process in its pids
    group (``1``); any other word, or none (the parent died), and the cap is applied here."""
    global _pending_cap
    if _pending_cap is None:
        return
    report, max_processes = _pending_cap
    _pending_cap = None
    try:
        word = os.read(report, 1)
    finally:
        os.close(report)
    if word != CAGED:
        limit_processes(max_processes)


#: What the parent writes on the cap-report pipe once it caged the child.
CAGED = b"1"
