"""Many runs through one warm worker: no growth of its memory, no leaked descriptors or temp
folders. ``AZML_SOAK_RUNS`` scales it (``benchmarks/worker_soak.py`` runs the full 1,000)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from azml_lsp.runtime import RunRequest, WarmWorker
from tests.runtime.conftest import write_script

SCRIPT = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    return dataframe1.assign(total=dataframe1["a"] * 2),
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def soak(folder: Path, runs: int) -> dict[str, float]:
    """Run a small script ``runs`` times in one worker; figures of what grew."""
    script = write_script(folder, SCRIPT)
    data = folder / "in.csv"
    data.write_text("a\n" + "\n".join(str(i) for i in range(100)) + "\n")
    request = RunRequest(script=str(script), dataset1=str(data), out_dir=str(folder / "out"))
    temp_root = folder / "tmp"  # runs' temp folders go here, apart from other processes' runs
    temp_root.mkdir()
    saved, tempfile.tempdir = tempfile.tempdir, str(temp_root)
    worker = WarmWorker()
    try:
        assert worker.run(request).ok
        assert worker.pid is not None
        start_rss, start_fds = rss_kib(worker.pid), len(os.listdir("/proc/self/fd"))
        failures = sum(not worker.run(request).ok for _ in range(runs))
        end_rss, end_fds = rss_kib(worker.pid), len(os.listdir("/proc/self/fd"))
    finally:
        worker.close()
        tempfile.tempdir = saved
    return {
        "runs": runs,
        "failures": failures,
        "worker_rss_start_kib": start_rss,
        "worker_rss_end_kib": end_rss,
        "growth": (end_rss - start_rss) / start_rss,
        "fds_leaked": end_fds - start_fds,
        "temp_dirs_left": len(list(temp_root.glob("azml-run-*"))),
    }


def test_worker_soak(tmp_path: Path) -> None:
    figures = soak(tmp_path, int(os.environ.get("AZML_SOAK_RUNS", "40")))
    assert figures["failures"] == 0
    assert figures["growth"] < 0.10, figures
    assert figures["fds_leaked"] <= 0, figures
    assert figures["temp_dirs_left"] == 0, figures
