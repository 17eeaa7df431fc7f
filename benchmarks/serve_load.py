"""Bounded load on ``azml serve`` over loopback: throughput, latency, errors, worker memory.

    python benchmarks/serve_load.py [--requests 2000] [--concurrency 20] [--workers 2]

Starts the service on an ephemeral 127.0.0.1 port with a small scoring script, sends the requests
(records shape, 20 rows each) from ``--concurrency`` clients, and prints the figures. Exits 1 when
a request failed or the warm workers' memory grew by more than 10 % over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil

from azml_lsp.serve.launch import ServiceProcess

#: Measured on this machine's Python: created cloud twins must not change what is measured.
os.environ.setdefault("AZML_ENV", "local")

SCRIPT = textwrap.dedent(
    """
    import pandas as pd

    def azureml_main(dataframe1=None, dataframe2=None):
        out = dataframe1.copy()
        out["total"] = out["price"] * out["quantity"]
        return out,
    """
)
ROWS = [{"item": f"item-{i}", "price": 1.25 * i, "quantity": i % 7} for i in range(20)]
MAX_MEMORY_GROWTH = 0.10


def worker_rss_mb(server_pid: int) -> float:
    """Resident memory of the warm workers (the server's direct children), in MB."""
    children = psutil.Process(server_pid).children(recursive=False)
    return sum(_rss(child) for child in children) / 2**20


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.NoSuchProcess:
        return 0


async def load(url: str, requests: int, concurrency: int) -> tuple[list[float], list[str], float]:
    """Send ``requests`` calls from ``concurrency`` clients; latencies (s), errors, wall time."""
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    body = {"Inputs": {"input1": ROWS}}
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def caller() -> None:
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                try:
                    answer = await client.post("/score", json=body)
                    ok = (
                        answer.status_code == 200 and len(answer.json()["Results"]["output1"]) == 20
                    )
                    if not ok:
                        errors.append(f"{answer.status_code}: {answer.text[:600]}")
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - began


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "score.py"
        script.write_text(SCRIPT, encoding="utf-8")
        service_args = ["--workers", str(args.workers), "--no-access-log"]
        with ServiceProcess(script, service_args) as service:
            asyncio.run(load(service.url, args.workers * 5, args.workers))  # warm-up
            before = worker_rss_mb(service.pid)
            latencies, errors, wall = asyncio.run(
                load(service.url, args.requests, args.concurrency)
            )
            after = worker_rss_mb(service.pid)
    growth = (after - before) / before if before else 0.0
    print(
        f"requests      {args.requests} at concurrency {args.concurrency}, {args.workers} workers"
    )
    print(f"throughput    {args.requests / wall:.1f} requests/s ({wall:.1f} s)")
    print(f"latency p50   {percentile(latencies, 50) * 1000:.0f} ms")
    print(f"latency p99   {percentile(latencies, 99) * 1000:.0f} ms")
    print(f"errors        {len(errors)}")
    print(f"worker memory {before:.1f} MB at start, {after:.1f} MB at end ({growth:+.1%})")
    for error, count in Counter(errors).most_common(5):
        print(f"  {count} x {error}")
    return 1 if errors or growth > MAX_MEMORY_GROWTH else 0


if __name__ == "__main__":
    sys.exit(main())
