"""Bounded load on ``azml serve`` (each isolation) and Azure ML's local inference server
``azmlinfsrv`` (``azureml-inference-server-http``), side by side in one run.

    python benchmarks/serve_load.py [--requests 2000] [--concurrency 20] [--workers 2]
                                    [--only request,reimport,worker,azmlinfsrv] [--soak]
                                    [--env TWIN]

``--soak`` is the memory soak: 10,000 requests per service, and the growth of the workers'
resident memory from the start to the end of the run (the target is under 10 %).

``--env TWIN`` adds a row per chosen isolation for ``azml serve --env TWIN``: requests made by
a template in that cloud twin's interpreter (forked from it, or by it; the memory counts the
hosts and templates).

Each service serves the same computation on the same machine with the same number of workers:
``azml serve`` a script's ``azureml_main``; ``azmlinfsrv`` a ``score.py`` written here whose
``run()`` builds the same frame from the same records and answers in the same shape. The same
httpx client sends the same requests (records shape, 20 rows each) from ``--concurrency``
callers. Prints one row per service and the ratios to ``azmlinfsrv``. Exits 1 when a request
failed or an ``azml serve`` worker's memory grew by more than 10 % over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from azml_lsp.serve.config import ISOLATIONS
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
SCORE_PY = textwrap.dedent(
    """
    import json

    import pandas as pd


    def init():
        pass


    def run(raw_data):
        frame = pd.DataFrame(json.loads(raw_data)["Inputs"]["input1"])
        out = frame.copy()
        out["total"] = out["price"] * out["quantity"]
        return {"Results": {"output1": out.to_dict(orient="records")}}
    """
)
ROWS = [{"item": f"item-{i}", "price": 1.25 * i, "quantity": i % 7} for i in range(20)]
MAX_MEMORY_GROWTH = 0.10
SOAK_REQUESTS = 10_000
PEER = "azmlinfsrv"


@dataclass
class Row:
    name: str
    requests: int
    wall_s: float
    latencies: list[float]
    errors: list[str]
    memory_before_mb: float
    memory_after_mb: float

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_s

    @property
    def growth(self) -> float:
        before = self.memory_before_mb
        return (self.memory_after_mb - before) / before if before else 0.0


def worker_rss_mb(server_pid: int, recursive: bool = False) -> float:
    """Resident memory of a server's worker processes (its direct children, or with
    ``recursive`` theirs too: a twin's templates), in MB."""
    children = psutil.Process(server_pid).children(recursive=recursive)
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

    async def caller() -> None:
        # one client (one connection) per caller: a shared pool's bookkeeping would cost the
        # load loop more than the services spend on a request
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
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


def measure(
    name: str, url: str, pid: int, args: argparse.Namespace, recursive: bool = False
) -> Row:
    asyncio.run(load(url, args.workers * 10, args.workers))  # warm-up
    before = worker_rss_mb(pid, recursive)
    latencies, errors, wall = asyncio.run(load(url, args.requests, args.concurrency))
    after = worker_rss_mb(pid, recursive)
    return Row(name, args.requests, wall, latencies, errors, before, after)


def measure_azml(
    isolation: str, folder: Path, args: argparse.Namespace, env: str | None = None
) -> Row:
    script = folder / "script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    service_args = ["--workers", str(args.workers), "--isolation", isolation, "--no-access-log"]
    name = f"azml serve --isolation {isolation}"
    if env is not None:
        service_args += ["--env", env]
        name += f" --env {env}"
    with ServiceProcess(script, service_args, start_timeout_s=180) as service:
        return measure(name, service.url, service.pid, args, recursive=env is not None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def inference_server(folder: Path, workers: int) -> Iterator[tuple[str, int]]:
    """``azmlinfsrv`` serving score.py with ``workers`` gunicorn workers: (url, pid)."""
    score = folder / "score.py"
    score.write_text(SCORE_PY, encoding="utf-8")
    port = _free_port()
    command = [str(Path(sys.executable).with_name(PEER)), "--entry_script", str(score)]
    command += ["--port", str(port), "--worker_count", str(workers)]
    log = (folder / "azmlinfsrv.log").open("wb")
    process = subprocess.Popen(
        command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                text = (folder / "azmlinfsrv.log").read_text(errors="replace")
                raise RuntimeError(f"{PEER} did not start:\n{text[-3000:]}")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def measure_peer(folder: Path, args: argparse.Namespace) -> Row:
    with inference_server(folder, args.workers) as (url, pid):
        return measure(f"{PEER} (score.py)", url, pid, args)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else 0


def print_rows(rows: list[Row], args: argparse.Namespace) -> None:
    print(
        f"{args.requests} requests at concurrency {args.concurrency}, {args.workers} workers each"
    )
    print(
        f"{'service':48} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'workers MB':>11} {'growth':>7}"
    )
    for row in rows:
        print(
            f"{row.name:48} {row.throughput:7.1f} {percentile(row.latencies, 50) * 1000:7.0f} "
            f"{percentile(row.latencies, 99) * 1000:7.0f} {len(row.errors):6d} "
            f"{row.memory_after_mb:11.1f} {row.growth:+7.1%}"
        )
    peer = next((row for row in rows if row.name.startswith(PEER)), None)
    if peer is None:
        return
    print(f"ratios to {PEER}:")
    for row in rows:
        if row is peer:
            continue
        p99 = percentile(row.latencies, 99) / percentile(peer.latencies, 99)
        print(f"  {row.name:46} throughput {row.throughput / peer.throughput:.2f}x, p99 {p99:.2f}x")
    for row in rows:
        for error, count in Counter(row.errors).most_common(3):
            print(f"  {row.name}: {count} x {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default=",".join((*ISOLATIONS, PEER)))
    parser.add_argument(
        "--soak", action="store_true", help=f"{SOAK_REQUESTS:,} requests: the memory soak"
    )
    parser.add_argument(
        "--env", help="also serve in this cloud twin (e.g. designer), in each chosen isolation"
    )
    args = parser.parse_args()
    if args.soak:
        args.requests = SOAK_REQUESTS
    chosen = args.only.split(",")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for isolation in ISOLATIONS:
            if isolation in chosen:
                rows.append(measure_azml(isolation, folder, args))
        if args.env:
            for isolation in ISOLATIONS:
                if isolation in chosen:
                    rows.append(measure_azml(isolation, folder, args, env=args.env))
        if PEER in chosen:
            rows.append(measure_peer(folder, args))
    print_rows(rows, args)
    azml = [row for row in rows if not row.name.startswith(PEER)]
    failed = any(row.errors for row in rows) or any(row.growth > MAX_MEMORY_GROWTH for row in azml)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
