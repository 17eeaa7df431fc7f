"""Process-level setup of a run's child: memory cap, headless plotting, stack dumps on timeout."""

from __future__ import annotations

import faulthandler
import os
import resource
import signal
import threading
from typing import IO

from azml_lsp.runtime.forkguard import limit_processes
from azml_lsp.runtime.model import RunRequest
from azml_lsp.runtime.processes import die_with_parent
from azml_lsp.runtime.rundir import RunDir

#: The parent sends this signal before killing a run that timed out: the child then writes its
#: Python stack to ``stack.txt``, so the timeout error can name the line that was running.
STACK_DUMP_SIGNAL = signal.SIGUSR1

_stack_file: IO[str] | None = None
_process_cap: threading.Thread | None = None


def _start_process_cap(max_processes: int) -> None:
    """Apply the process cap in a helper thread: moving a process into a control group can take
    10 ms or more, which then overlaps with reading the inputs. :func:`process_cap_applied`
    waits for it; user code must not run before."""
    global _process_cap
    _process_cap = threading.Thread(
        target=limit_processes, args=(max_processes,), name="azml-process-cap", daemon=True
    )
    _process_cap.start()


def process_cap_applied() -> None:
    """Wait until the process cap is in force (at once when none is being applied)."""
    global _process_cap
    if _process_cap is not None:
        _process_cap.join()
        _process_cap = None


def apply_limits(request: RunRequest, rundir: RunDir, parent: int) -> None:
    """Cap memory, select a headless matplotlib backend and arm the stack dump."""
    global _stack_file
    die_with_parent(parent)
    _start_process_cap(request.max_processes)
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
