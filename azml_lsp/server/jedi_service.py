"""Where jedi work runs: a small thread pool off the event loop, warmed up at start-up.

jedi's first inference of pandas takes seconds. :meth:`JediService.start_warm_up` does that work
in a background thread right after ``initialize`` (a completion after a DataFrame parameter, a
``pd.`` completion, a signature and a hover), so the parse caches are hot before the user types.
Requests wait for the warm-up instead of repeating its inference in parallel (the DataFrame
members it infers first are served without waiting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from jedi.api.classes import Completion
from lsprotocol import types

from azml_lsp.checker.parse_cache_files import share_parse_cache_safely
from azml_lsp.contract import DEFAULT_DIALECT, RECOMMENDED_SIGNATURE
from azml_lsp.server import frame_members, jedi_features
from azml_lsp.server.frame_members import Member
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
_WARM_UP_TIMEOUT_S = 60.0
#: How many times a jedi call that overlapped another is made before its answer stands.
_ATTEMPTS = 3


class JediService:
    """Runs jedi calls in worker threads and keeps the last completion list for resolve."""

    def __init__(self, workers: int = 2) -> None:
        share_parse_cache_safely()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="azml-jedi")
        self._warm = threading.Event()
        self._warm_up_s: float | None = None
        self._lock = threading.Lock()
        self._settled = threading.Event()  # the warm-up's extra jedi calls are over
        self._in_flight = 0
        self._started = 0
        self._completions: dict[str, Completion] = {}
        self._generation = 0
        self._frame_members: list[Completion] | None = None
        self._frame_lock = threading.Lock()
        self._known_members: list[Member] | None = None
        self._disk_tried = False
        self._root = "."

    @property
    def is_warm(self) -> bool:
        return self._warm.is_set()

    def when_warm(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (in a helper thread) once the warm-up is over."""

        def wait_then_call() -> None:
            self._warm.wait()
            callback()

        threading.Thread(target=wait_then_call, name="azml-after-warm-up", daemon=True).start()

    @property
    def warm_up_seconds(self) -> float | None:
        """How long the warm-up took, None while it runs."""
        return self._warm_up_s

    def start_warm_up(self, root: str, then: Callable[[], None] | None = None) -> None:
        """Warm jedi up in a background thread, then call ``then`` there (more warming up,
        counted as a jedi call); requests wait for both."""
        self._root = root
        threading.Thread(
            target=self._warm_up, args=(root, then), name="azml-jedi-warm-up", daemon=True
        ).start()

    def _warm_up(self, root: str, then: Callable[[], None] | None) -> None:
        started = time.perf_counter()
        try:
            self.frame_members()
            self._warm.set()  # pandas is parsed and inferred: requests need not wait any more
            self._warm_more(root)
        except Exception:  # the warm-up only saves time; a failure must not stop the server
            logger.exception("jedi warm-up failed")
        finally:
            self._warm.set()
            self._warm_up_s = time.perf_counter() - started
            logger.info("jedi warm-up took %.2f s", self._warm_up_s)
        try:
            if then is not None:
                self.counting(then)
        except Exception:
            logger.exception("warm-up failed")
        finally:
            self._settled.set()

    def _warm_more(self, root: str) -> None:
        """Signatures, module completions and a hover, counted like requests' jedi calls."""
        with self._counted():
            view = ScriptView(WARM_UP_SOURCE, None, project_for(root, None), DEFAULT_DIALECT)
            line = WARM_UP_SOURCE.splitlines().index('    dataframe1.groupby("a").sum()')
            jedi_features.signature_help(
                view, types.Position(line + 1, len("    dataframe1.merge("))
            )
            jedi_features.completions(view, types.Position(line + 2, len("    pd.")))
            jedi_features.completions(view, types.Position(line + 3, len("    np.")))
            jedi_features.hover(view, types.Position(line + 2, len("    pd.re")))

    def frame_members(self) -> list[Completion]:
        """The members of DataFrame, inferred once: what ``dataframe1.`` completes to."""
        with self._frame_lock:
            if self._frame_members is None:
                view = ScriptView(
                    WARM_UP_SOURCE, None, project_for(self._root, None), DEFAULT_DIALECT
                )
                line = WARM_UP_SOURCE.splitlines().index('    dataframe1.groupby("a").sum()')
                position = types.Position(line, len("    dataframe1."))
                self._frame_members = jedi_features.completions(view, position)
                self._known_members = [Member(c.name, c.type) for c in self._frame_members]
                frame_members.store(self._known_members)
            return self._frame_members

    def known_frame_members(self) -> list[Member] | None:
        """The DataFrame members without waiting: inferred in this run, or stored by an
        earlier one; None when neither is there yet."""
        if self._known_members is None and not self._disk_tried:
            self._disk_tried = True
            self._known_members = frame_members.load()
        return self._known_members

    def frame_member(self, name: str) -> Completion | None:
        """jedi's completion of one DataFrame member (for resolve)."""
        return next((c for c in self.frame_members() if c.name == name), None)

    @contextlib.contextmanager
    def _counted(self) -> Iterator[Callable[[], bool]]:
        """Count a jedi call in flight; yields a test: did another call overlap this one?"""
        with self._lock:
            self._in_flight += 1
            self._started += 1
            started, alone = self._started, self._in_flight == 1
        try:
            yield lambda: not alone or self._started != started
        finally:
            with self._lock:
                self._in_flight -= 1

    def counting(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` (jedi work outside this pool: the checker's inference) counted as
        a jedi call, so a request it overlaps knows to check its answer again."""
        with self._counted():
            return function(*args)

    def _when_warm(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` once the warm-up is over: its first inferences of pandas and numpy
        are when calls in two threads clash (jedi's caches are shared, and not thread-safe). A
        call that overlapped another and failed or found nothing is made again."""
        self._settled.wait(_WARM_UP_TIMEOUT_S)
        for attempt in range(1, _ATTEMPTS + 1):
            with self._counted() as overlapped:
                try:
                    result = function(*args)
                except RuntimeError:  # a cache changed under another thread
                    if attempt == _ATTEMPTS:
                        raise
                    logger.debug("jedi call raced another thread; retrying", exc_info=True)
                    continue
                if result or not overlapped() or attempt == _ATTEMPTS:
                    return result
            logger.debug("jedi call found nothing while another ran; retrying")
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run a blocking jedi function in the pool once the warm-up has inferred pandas;
        cancelling the caller drops it if it is still queued."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._when_warm, function, *args)

    async def frame_members_now(self) -> list[Member]:
        """The DataFrame members, inferring them now if no run has yet (no warm-up gate: the
        inference itself is what the warm-up does first)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._pool, self.counting, self.frame_members)
        return self._known_members or []

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
