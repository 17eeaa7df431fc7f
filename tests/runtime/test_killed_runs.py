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


@pytest.mark.parametrize("delay", [0.2, 0.8, 1.4, 2.0, 2.6])
def test_sigkill_at_any_moment_leaves_no_partial_output(tmp_path: Path, delay: float) -> None:
    script = write_script(tmp_path, SCRIPT)
    out = tmp_path / "out"
    out.mkdir()
    previous = "n,text\n0,old\n"
    (out / "result_dataset.csv").write_text(previous)
    process = subprocess.Popen(
        [sys.executable, "-m", "azml_lsp", "run", str(script), "--out", str(out), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    children = _children_of(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.5)  # an orphaned child would still be writing now
    _complete_or_previous(out / "result_dataset.csv", previous)
    report = out / "index.html"
    if report.exists():
        assert report.read_text().rstrip().endswith("</html>")
    survivors = [pid for pid in children if running(pid)]
    assert not survivors, f"the run's child {survivors} outlived the killed command"


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found
