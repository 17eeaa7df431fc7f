"""Run the script under debugpy: listen on loopback, report the port, wait for the editor."""

from __future__ import annotations

import sys

from azml_lsp.runtime.events import EventChannel
from azml_lsp.runtime.model import DebugOptions


def listen_and_wait(options: DebugOptions, channel: EventChannel) -> None:
    """Start a debugpy server, send ``debug_listening`` with its address, block until attached."""
    import debugpy

    host, port = debugpy.listen((options.host, options.port))
    channel.send("debug_listening", host=host, port=port)
    if options.wait_for_client:
        debugpy.wait_for_client()


def end_debug_session() -> None:
    """Let debugpy send what it still holds (the answer to the editor's last ``continue``) and
    close its connection, so the editor sees the session end. A run's process exits without
    exit handlers, which is where debugpy would otherwise do this."""
    pydevd = sys.modules.get("pydevd")
    stop = getattr(pydevd, "stoptrace", None)
    if callable(stop):
        stop()
