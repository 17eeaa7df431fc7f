"""A run killed at any moment leaves the previous output or the complete new one, never a partial
file, and takes its child process down with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.runtime.conftest import running, write_script

ROWS = 400_000
SCRIPT = f"""
import numpy as np
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    return pd.DataFrame({{"n": np.arange({ROWS}), "text": ["value %d" % i for i in range({ROWS})]}}),
"""


def _complete_or_previous(path: Path, previous: str) -> None:
    text = path.read_text()
    if text == previous:
        return
    lines = text.splitlines()
    assert lines[0] == "n,text" and len(lines) == ROWS + 1, f"partial file with {len(lines)} lines"
    assert lines[-1] == f"{ROWS - 1},value {ROWS - 1}"


def _start(script: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "azml_lsp", "run", str(script), "--out", str(out), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def full_run_s(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long the whole run takes here: the kills land at fractions of it."""
    folder = tmp_path_factory.mktemp("timing")
    started = time.perf_counter()
    assert _start(write_script(folder, SCRIPT), folder / "out").wait(timeout=120) == 0
    return time.perf_counter() - started


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.4, 0.55, 0.7])
def test_sigkill_at_any_moment_leaves_no_partial_output(
    tmp_path: Path, full_run_s: float, fraction: float
) -> None:
    script = write_script(tmp_path, SCRIPT)
    out = tmp_path / "out"
    out.mkdir()
    previous = "n,text\n0,old\n"
    (out / "result_dataset.csv").write_text(previous)
    process = _start(script, out)
    time.sleep(full_run_s * fraction)
    children = _children_of(process.pid)
    if process.poll() is not None:
        pytest.skip("the run ended before the kill (the machine was faster than measured)")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.5)  # an orphaned child would still be writing now
    _complete_or_previous(out / "result_dataset.csv", previous)
    report = out / "index.html"
    if report.exists():
        assert report.read_text().rstrip().endswith("</html>")
    survivors = [pid for pid in children if running(pid)]
    assert not survivors, f"the run's child {survivors} outlived the killed command"


def _children_of(ancestor: int) -> list[int]:
    """Every descendant of ``ancestor`` (the run's process, and a worker it was forked from)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [ancestor]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found
