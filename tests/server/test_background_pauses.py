"""Background jedi work steps aside while a user's request is answered (real threads)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from lsprotocol import types

from azml_lsp.checker.pausing import pause_point, set_pause_hook
from azml_lsp.server.interactive import MAX_PAUSE_S, InteractiveRequests


@pytest.fixture
def requests() -> Iterator[InteractiveRequests]:
    found = InteractiveRequests()
    set_pause_hook(found.step_aside)
    yield found
    set_pause_hook(None)


def _timed_in_thread(function: Callable[[], object]) -> tuple[threading.Thread, list[float]]:
    """Start ``function`` in a thread; the list receives how long it took."""
    took: list[float] = []

    def run() -> None:
        started = time.monotonic()
        function()
        took.append(time.monotonic() - started)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, took


def test_background_work_waits_at_a_pause_point_until_the_request_is_answered(
    requests: InteractiveRequests,
) -> None:
    requests.received(1, types.TEXT_DOCUMENT_COMPLETION)
    thread, took = _timed_in_thread(requests.in_background(pause_point))
    time.sleep(0.1)
    assert thread.is_alive(), "the background work went on while the completion was open"
    requests.answered(1)
    thread.join(2)
    assert not thread.is_alive()
    assert took[0] >= 0.1


def test_a_pause_never_outlasts_its_bound(requests: InteractiveRequests) -> None:
    requests.received(1, types.TEXT_DOCUMENT_HOVER)
    thread, took = _timed_in_thread(requests.in_background(pause_point))
    thread.join(2)
    assert not thread.is_alive(), "the pause outlasted its bound"
    assert took[0] >= MAX_PAUSE_S


def test_work_a_request_waits_for_never_pauses(requests: InteractiveRequests) -> None:
    """Not background work (a request's own jedi call), other methods, or a queued call."""
    requests.received(1, types.TEXT_DOCUMENT_COMPLETION)
    requests.received(2, types.TEXT_DOCUMENT_DEFINITION)
    started = time.monotonic()
    pause_point()  # this thread is not marked as background
    requests.step_aside(busy=lambda: True)
    assert time.monotonic() - started < 0.05
    requests.answered(1)
    assert not requests.waiting(), "a definition request is not one a pause waits for"
