"""The requests a user is waiting for, so that background jedi work can step aside for them.

A check's inference and the warm-up run in jedi's thread for up to seconds, and with the GIL
every hand-off of a completion (reading it, answering it from the member cache, writing the
reply) waits for that thread to give the interpreter up. Background work calls
:func:`~azml_lsp.checker.pausing.pause_point` between units (a library parse tree loaded, one
inference of the checker), and :meth:`InteractiveRequests.step_aside` sleeps there while a
user's request is open, so the request has the interpreter to itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from lsprotocol import types

INTERACTIVE_METHODS = frozenset(
    {
        types.TEXT_DOCUMENT_COMPLETION,
        types.COMPLETION_ITEM_RESOLVE,
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
    }
)
MAX_PAUSE_S = 0.3
"""The longest one pause point waits: background work always moves on."""
STALE_S = 2.0
"""A request open longer than this no longer holds background work back (its answer is late
anyway, or it was cancelled without a reply)."""
_STEP_S = 0.002


class InteractiveRequests:
    """The open interactive requests, by id, and the pause that background work takes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[Any, float] = {}
        self._background = threading.local()

    def received(self, msg_id: Any, method: str) -> None:
        if method in INTERACTIVE_METHODS:
            with self._lock:
                self._open[msg_id] = time.monotonic()

    def answered(self, msg_id: Any) -> None:
        with self._lock:
            self._open.pop(msg_id, None)

    def waiting(self) -> bool:
        """Whether a user's request is being answered now."""
        now = time.monotonic()
        with self._lock:
            for msg_id in [i for i, since in self._open.items() if now - since > STALE_S]:
                del self._open[msg_id]
            return bool(self._open)

    def in_background(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, marked as background work while it runs (its pause points pause)."""

        def background(*args: Any) -> Any:
            self._background.active = True
            try:
                return function(*args)
            finally:
                self._background.active = False

        return background

    def step_aside(self, busy: Callable[[], bool] = lambda: False) -> None:
        """In background work: sleep while a user's request is open, up to :data:`MAX_PAUSE_S`,
        and not while ``busy()`` (work queued behind this thread, which a pause would delay)."""
        if not getattr(self._background, "active", False):
            return
        deadline = time.monotonic() + MAX_PAUSE_S
        while self.waiting() and not busy() and time.monotonic() < deadline:
            time.sleep(_STEP_S)
