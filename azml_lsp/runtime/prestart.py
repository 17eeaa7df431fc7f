"""A worker started before the command line is parsed, for the one run of ``azml run``."""

from __future__ import annotations

from azml_lsp.runtime.worker import WarmWorker

_started: WarmWorker | None = None


def start() -> None:
    """Start a light worker now (it imports pandas while the caller does other work)."""
    global _started
    _started = WarmWorker(light=True)
    _started.start()


def take() -> WarmWorker | None:
    """The started worker, once; None when none was started."""
    global _started
    worker, _started = _started, None
    return worker
