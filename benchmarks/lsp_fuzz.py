"""10,000 random sessions (``--sessions``), and 100k-line ones (``--big-sessions``), against one
real language server: what was sent, how it was answered, the server's memory, the time.

The sessions are those of ``tests/server/test_fuzz.py``: edits at random and invalid positions,
requests awaited, racing edits and cancelled, and a check that the last diagnostics published are
those of the last version. Any failure stops the run with its session."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server.test_fuzz import (
    BIG_LINES,
    BIG_REQUEST_TIMEOUT_S,
    REQUEST_TIMEOUT_S,
    START,
    Session,
    big_document,
    fuzz_server,
    play,
    sessions,
)

#: Measured on this machine's Python: created cloud twins must not change what is measured.
os.environ.setdefault("AZML_ENV", "local")


def fuzz(state: Session, count: int, base: str, max_line: int, timeout: float) -> float:
    """Play ``count`` random sessions on ``base``; the seconds it took."""
    if count == 0:
        return 0.0

    @settings(
        max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(drawn=sessions(max_line=max_line))
    def one(drawn: tuple[int, list[Any]]) -> None:
        probe, steps = drawn
        state.loop.run_until_complete(play(state, base, probe, steps, timeout))
        assert state.client.error is None

    started = time.perf_counter()
    one()
    return time.perf_counter() - started


IDLE_S = 30.0


def idle_rss(server: psutil.Process) -> int:
    """The server's RSS once it has been idle for :data:`IDLE_S` (the last session's work, then
    the memory it frees, are done by then)."""
    time.sleep(IDLE_S)
    return int(server.memory_info().rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--big-sessions", type=int, default=20)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="azml-fuzz-") as folder,
        fuzz_server(Path(folder)) as state,
    ):
        server = psutil.Process(state.server_pid)
        rss_start = server.memory_info().rss
        small_s = fuzz(state, args.sessions, START, 40, REQUEST_TIMEOUT_S)
        rss_small = server.memory_info().rss
        big_s = fuzz(
            state, args.big_sessions, big_document(), BIG_LINES + 10, BIG_REQUEST_TIMEOUT_S
        )
        rss_end = server.memory_info().rss
        rss_idle = idle_rss(server)
        alive = server.is_running() and state.client.error is None
    print(
        f"small sessions       {args.sessions:>10}   {small_s:>8.0f} s  ({args.sessions / max(small_s, 1e-9):.1f} per s)"
    )
    print(f"100k-line sessions   {args.big_sessions:>10}   {big_s:>8.0f} s")
    for name, value in sorted(state.counts.items()):
        print(f"{name:<42} {value:>10}")
    print(f"server RSS start     {rss_start / 2**20:>10.1f} MiB")
    print(f"after small sessions {rss_small / 2**20:>10.1f} MiB")
    print(f"after big sessions   {rss_end / 2**20:>10.1f} MiB")
    print(
        f"idle {IDLE_S:.0f} s later     {rss_idle / 2**20:>10.1f} MiB (closed documents' memory given back)"
    )
    print(f"server alive, no client error: {alive}")


if __name__ == "__main__":
    main()
