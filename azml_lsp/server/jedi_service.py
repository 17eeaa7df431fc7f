"""Where jedi work runs: one thread off the event loop, warmed up at start-up.

jedi is not thread-safe: its inference caches are shared by every ``Script``, so two calls at
once can find nothing or fail. Every jedi call of the server (requests, the checker's inference,
the warm-up) runs in one thread, in the order asked; with the GIL two threads would not be faster.
A request cancelled while it waits is dropped unrun.

jedi's first inference of pandas takes seconds. :meth:`JediService.start_warm_up` queues that
work right after ``initialize`` (an inference of DataFrame's members first, then a signature, module
completions and a hover, then the caller's own warming up), each step queued when the previous
one ends and no request has come for a moment, so a request that arrives meanwhile runs right
after the step under way.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from jedi.api.classes import Completion
from lsprotocol import types

from azml_lsp.checker.parse_cache_files import share_parse_cache_safely
from azml_lsp.checker.pausing import set_pause_hook
from azml_lsp.contract import DEFAULT_DIALECT, RECOMMENDED_SIGNATURE
from azml_lsp.server import jedi_features
from azml_lsp.server.interactive import InteractiveRequests
from azml_lsp.server.jedi_features import ScriptView
from azml_lsp.server.jedi_project import project_for

T = TypeVar("T")
logger = logging.getLogger(__name__)

WARM_UP_SOURCE = f"""import numpy as np
import pandas as pd


{RECOMMENDED_SIGNATURE}
    dataframe1.groupby("a").sum()
    dataframe1.merge(dataframe2, on="a")
    pd.read_csv("a.csv")
    np.zeros(3)
    return dataframe1,
"""


@contextlib.contextmanager
def _no_automatic_collection() -> Iterator[None]:
    """No automatic garbage collection inside; what is alive at the end is frozen out of the
    collector. (A zero threshold, not ``gc.disable``: parso enables the collector again after
    each cached tree it loads.)"""
    thresholds = gc.get_threshold()
    gc.set_threshold(0)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)


class JediService:
    """Runs jedi calls in one thread and keeps the last completion list for resolve."""

    def __init__(self) -> None:
        share_parse_cache_safely()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="azml-jedi")
        self.interactive = InteractiveRequests()
        self._queued = 0  # calls of requests waiting for the thread
        set_pause_hook(lambda: self.interactive.step_aside(self.has_queued_calls))
        self._warm = threading.Event()
        self._lock = threading.Lock()
        self._completions: dict[str, Completion] = {}
        self._generation = 0
        self._root = "."

    @property
    def is_warm(self) -> bool:
        """Whether jedi has inferred pandas (until then, checks use the syntax-only rules)."""
        return self._warm.is_set()

    def start_warm_up(
        self,
        root: str,
        then: Sequence[Callable[[], object]] = (),
        wait_quiet: Callable[[], None] | None = None,
    ) -> None:
        """Queue the warm-up, step by step, then the steps ``then`` (the caller's own warming
        up). After the first step (pandas' inference, which the checker waits for), each step is
        queued only once ``wait_quiet`` returns (it blocks until no request has come for a
        moment): a step holds the interpreter for up to half a second, and should not land
        between a user's keystrokes. No automatic collection runs during a step (one would walk
        every object the step has built so far, for as much as half a second while a user waits
        for a completion); what the step leaves is then frozen out of the collector, so later
        automatic collections walk only what was made since. Garbage frozen with it waits for
        the full collection that follows a document's close
        (:func:`~azml_lsp.server.freed_memory.give_back_freed_memory`)."""
        self._root = root
        started = time.perf_counter()
        steps: list[Callable[[], Any]] = [self._infer_pandas, self._warm_more, *then]

        def run(index: int) -> None:
            with _no_automatic_collection():
                try:
                    steps[index]()
                except Exception:  # the warm-up only saves time: it must not stop the server
                    name = getattr(steps[index], "__name__", "")
                    logger.exception("jedi warm-up failed in %s", name)
            if index == 0:
                self._warm.set()
                logger.info("jedi inferred pandas in %.2f s", time.perf_counter() - started)
            if index + 1 < len(steps):
                self._submit_when_quiet(wait_quiet, run, index + 1)

        self._submit(run, 0)

    def _submit_when_quiet(
        self, wait_quiet: Callable[[], None] | None, function: Callable[..., Any], *args: Any
    ) -> None:
        """Queue ``function`` once ``wait_quiet`` returns, waiting in a thread of its own (the
        jedi thread serves requests meanwhile)."""
        if wait_quiet is None:
            self._submit(function, *args)
            return

        def later() -> None:
            wait_quiet()
            self._submit(function, *args)

        threading.Thread(target=later, name="azml-jedi-warm-up", daemon=True).start()

    def _submit(self, function: Callable[..., Any], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # shut down meanwhile: nothing left to warm
            self._pool.submit(self.interactive.in_background(function), *args)

    def _warm_more(self) -> None:
        """Signatures, module completions and a hover."""
        view, line = self._warm_up_view()
        jedi_features.signature_help(view, types.Position(line + 1, len("    dataframe1.merge(")))
        jedi_features.completions(view, types.Position(line + 2, len("    pd.")))
        jedi_features.completions(view, types.Position(line + 3, len("    np.")))
        jedi_features.hover(view, types.Position(line + 2, len("    pd.re")))

    def _warm_up_view(self) -> tuple[ScriptView, int]:
        """A view of :data:`WARM_UP_SOURCE`, and the 0-based line of its ``groupby`` call."""
        view = ScriptView(WARM_UP_SOURCE, None, project_for(self._root, None), DEFAULT_DIALECT)
        return view, WARM_UP_SOURCE.splitlines().index('    dataframe1.groupby("a").sum()')

    def _infer_pandas(self) -> None:
        """Infer the members of DataFrame once: pandas' modules parsed and cached in jedi (the
        checker's inference needs them; completions of members come from the member cache)."""
        view, line = self._warm_up_view()
        jedi_features.completions(view, types.Position(line, len("    dataframe1.")))

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run blocking jedi work (``function(*args)``) in the jedi thread; cancelling the
        caller drops it if it has not started. Background work under way steps aside at its
        next pause point only when nothing waits for the thread (see :meth:`has_queued_calls`)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._queued += 1
        waiting = [True]

        def no_longer_waiting() -> None:
            with self._lock:
                if waiting[0]:
                    waiting[0] = False
                    self._queued -= 1

        def run() -> T:
            no_longer_waiting()
            return function(*args)

        try:
            return await loop.run_in_executor(self._pool, run)
        finally:
            no_longer_waiting()  # dropped unrun

    async def call_in_background(self, function: Callable[..., T], *args: Any) -> T:
        """Like :meth:`call`, for work nobody waits for (a check): it pauses at its pause points
        while a user's request is answered."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, self.interactive.in_background(function), *args
        )

    def has_queued_calls(self) -> bool:
        """Whether a request's jedi work waits for the thread."""
        return self._queued > 0

    async def import_module(self, name: str) -> None:
        """Import ``name`` in the jedi thread. jedi imports compiled modules (pandas' own) into
        this process from that thread, and a second thread importing pandas meanwhile can
        deadlock on its circular imports; work that needs pandas here imports it this way."""
        module = sys.modules.get(name)
        if module is None or getattr(module.__spec__, "_initializing", False):
            await self.call(importlib.import_module, name)

    def remember_completions(self, completions: list[Completion]) -> str:
        """Keep one completion list for resolve; returns its generation id."""
        with self._lock:
            self._generation += 1
            self._completions = {f"{self._generation}:{i}": c for i, c in enumerate(completions)}
            return str(self._generation)

    def completion(self, key: str) -> Completion | None:
        with self._lock:
            return self._completions.get(key)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
