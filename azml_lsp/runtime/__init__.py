"""The shared local runtime: run a script exactly like the Execute Python Script module.

User code always runs in a child process; :func:`run` returns a :class:`RunResult` and never
raises for a failure of the script, its inputs or its bundle.
"""

from __future__ import annotations

from azml_lsp.runtime.model import DebugOptions, RunError, RunRequest, RunResult
from azml_lsp.runtime.runner import EventHandler, prepare_request, run

__all__ = [
    "DebugOptions",
    "EventHandler",
    "RunError",
    "RunRequest",
    "RunResult",
    "WarmWorker",
    "prepare_request",
    "run",
]


def __getattr__(name: str) -> object:
    if name == "WarmWorker":
        from azml_lsp.runtime.worker import WarmWorker

        return WarmWorker
    raise AttributeError(name)
