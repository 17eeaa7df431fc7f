"""Giving freed memory back to the system once documents close.

Parsing and inferring a long document allocates millions of small objects, in several threads.
A parse tree is cyclic (every node points to its parent), so a closed document's tree waits for
Python's full collection, which may not come for a long time; once freed, glibc keeps the pages
in its heaps (one per thread), scattered between live blocks. The server's resident memory then
only grows: 630 MiB after four 100k-line documents were opened and closed, where 330 MiB were
live. A full collection, then ``malloc_trim``, hands those pages back.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import logging
import sys
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

GIVE_BACK_DELAY_S = 2.0
"""How long the server waits after a document closes: closing several gives back once."""


def give_back_freed_memory(unfreeze: bool = True) -> bool:
    """Collect cyclic garbage and return free pages of the C heaps to the system; False where
    the C library cannot return them.

    What survives is then frozen out of the collector (``gc.freeze``): pandas' and jedi's
    long-lived objects are no longer walked by each automatic full collection, which would
    otherwise hold the interpreter for a fraction of a second while a user types. The call
    unfreezes first (unless ``unfreeze`` is False), so nothing frozen is kept once it is
    garbage."""
    if unfreeze:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


def trim_after_warm_up() -> bool:
    """The warm-up's last step: collect what is not frozen and return free pages. The frozen
    objects are not walked: after jedi's warm-up, walking them all held the interpreter for
    0.9 s to free 15,000 objects (6 MB), and a completion asked meanwhile waited that long.
    They are walked when a document closes (:class:`FreedMemory`), which frees far more."""
    return give_back_freed_memory(unfreeze=False)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return function


class FreedMemory:
    """Gives freed memory back a little after the last of a burst of closed documents."""

    def __init__(self, delay: float = GIVE_BACK_DELAY_S) -> None:
        self._delay = delay
        self._pending: asyncio.TimerHandle | None = None

    def give_back_soon(self, run: Callable[[Callable[[], bool]], Awaitable[bool]]) -> None:
        """From the event loop: after the delay, unless asked again meanwhile, have ``run``
        call :func:`give_back_freed_memory` (in the jedi thread, after the work queued there,
        which is what frees the most)."""
        if self._pending is not None:
            self._pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending = loop.call_later(self._delay, self._give_back, run)

    def _give_back(self, run: Callable[[Callable[[], bool]], Awaitable[bool]]) -> None:
        self._pending = None
        asyncio.ensure_future(run(give_back_freed_memory)).add_done_callback(_log_failure)


def _log_failure(done: asyncio.Future[bool]) -> None:
    if not done.cancelled() and done.exception() is not None:
        logger.error("giving memory back failed", exc_info=done.exception())
