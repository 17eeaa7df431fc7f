"""A worker started before the command line is parsed, for the one run of ``azml run``."""

from __future__ import annotations

import socket
import subprocess
from typing import TYPE_CHECKING

from azml_lsp.runtime.launch import spawn_worker

if TYPE_CHECKING:
    from azml_lsp.runtime.worker import WarmWorker

_started: tuple[subprocess.Popen[bytes], socket.socket] | None = None


def start() -> None:
    """Start a light worker now: it imports pandas while the caller does other work."""
    global _started
    _started = spawn_worker(None, light=True, tied=True)


def take() -> WarmWorker | None:
    """The started worker, once; None when none was started."""
    global _started
    if _started is None:
        return None
    from azml_lsp.runtime.worker import WarmWorker

    process, sock = _started
    _started = None
    return WarmWorker.adopt(process, sock, light=True)
