"""A pool of warm worker processes that the service hands scoring calls to, one call per worker."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Worker(Protocol):
    def start(self) -> None: ...

    def close(self) -> None: ...


W = TypeVar("W", bound=Worker)


class PoolClosed(RuntimeError):
    """The pool is not running (starting up or shutting down)."""


class WorkerPool(Generic[W]):
    """``size`` workers made by ``factory``; :meth:`call` waits for a free one and runs a
    blocking job with it.

    Waiting calls get workers in the order they came: a freed worker is handed to the longest
    waiting call, never to one that arrived meanwhile (which keeps the latency tail short)."""

    def __init__(self, size: int, factory: Callable[[], W]) -> None:
        if size < 1:
            raise ValueError("the pool needs at least one worker")
        self.size = size
        self._factory = factory
        self._workers: list[W] = []
        self._idle: list[W] = []
        self._waiting: deque[asyncio.Future[W]] = deque()
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="azml-serve")
        self._open = False

    @property
    def ready(self) -> bool:
        return self._open

    @property
    def busy(self) -> int:
        return self.size - len(self._idle) if self._open else 0

    async def start(self, warm_up: Callable[[W], T] | None = None) -> list[T]:
        """Start the workers, run ``warm_up`` on each (in parallel), and open the pool."""
        loop = asyncio.get_running_loop()
        self._workers = [self._factory() for _ in range(self.size)]
        for worker in self._workers:
            worker.start()
        results: list[T] = []
        if warm_up is not None:
            jobs = [loop.run_in_executor(self._executor, warm_up, w) for w in self._workers]
            results = list(await asyncio.gather(*jobs))
        self._idle.extend(self._workers)
        self._open = True
        return results

    async def close(self) -> None:
        self._open = False
        loop = asyncio.get_running_loop()
        for worker in self._workers:
            await loop.run_in_executor(self._executor, worker.close)
        self._workers.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def call(
        self,
        job: Callable[[W, threading.Event], T],
        deadline_s: float,
    ) -> T:
        """Run ``job(worker, cancel)`` in a thread; past ``deadline_s`` set ``cancel`` and wait."""
        if not self._open:
            raise PoolClosed("the worker pool is not running")
        worker = await self._acquire()
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, job, worker, cancel)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=deadline_s)
        except TimeoutError:
            cancel.set()
            return await future
        except asyncio.CancelledError:
            cancel.set()
            raise
        finally:
            if future.done():
                self._release(worker)
            else:
                future.add_done_callback(lambda _: self._release(worker))

    async def _acquire(self) -> W:
        if self._idle and not self._waiting:
            return self._idle.pop()
        turn: asyncio.Future[W] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release(turn.result())  # handed over as the caller left: pass it on
            elif turn in self._waiting:
                self._waiting.remove(turn)
            raise

    def _release(self, worker: W) -> None:
        """Hand ``worker`` to the longest waiting call, or make it idle."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(worker)
                return
        self._idle.append(worker)
