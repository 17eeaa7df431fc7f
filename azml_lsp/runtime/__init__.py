"""The shared local runtime: run a script exactly like the Execute Python Script module.

User code always runs in a child process; :func:`run` returns a :class:`RunResult` and never
raises for a failure of the script, its inputs or its bundle. Names load on first use, so a
process that only starts a run's child (``azml_lsp.runtime.processes.launch``) imports nothing more.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from azml_lsp.runtime.model import DebugOptions, RunError, RunRequest, RunResult
    from azml_lsp.runtime.processes.worker import WarmWorker
    from azml_lsp.runtime.runner import EventHandler, prepare_request, run

#: public name -> the module that defines it
_HOMES = {
    "DebugOptions": "model",
    "RunError": "model",
    "RunRequest": "model",
    "RunResult": "model",
    "EventHandler": "runner",
    "prepare_request": "runner",
    "run": "runner",
    "WarmWorker": "processes.worker",
}

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
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'azml_lsp.runtime' has no attribute {name!r}")
    return getattr(importlib.import_module(f"azml_lsp.runtime.{home}"), name)
