"""Runs forked by a twin's warm zygote behave as runs in a freshly started twin: fresh module
state and random state per run, the run's process is not the zygote, a run's leftovers die with
it, and a zygote that died is replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from azml_lsp.envs.layout import recorded_interpreter
from azml_lsp.envs.store import installed
from azml_lsp.runtime.twins import zygotes
from tests.runtime.conftest import output_frame, running
from tests.twins.conftest import TwinRunner

RunIn = Callable[[str], TwinRunner]

REPORT_PROCESS = """
import os
import sys
import numpy as np
import pandas as pd

COUNTER = []

def azureml_main(dataframe1=None, dataframe2=None):
    COUNTER.append(1)
    return pd.DataFrame({
        "pid": [os.getpid()],
        "calls": [len(COUNTER)],
        "draw": [float(np.random.rand())],
        "pandas_preloaded": ["pandas" in sys.modules],
    }),
"""


def _zygote_pid(twin: str) -> int:
    (zygote,) = [z for key, z in zygotes._zygotes.items() if key[0] == twin]
    return zygote.process.pid


def test_each_run_is_a_fresh_fork_of_the_warm_twin(
    run_in: RunIn, designer_twin: str, tmp_path: Path
) -> None:
    runner = run_in(designer_twin)
    rows = []
    for name in ("first", "second"):
        result = runner(REPORT_PROCESS, out_dir=str(tmp_path / name))
        assert result.ok, result.error
        assert "designer twin" in result.environment
        rows.append(output_frame(result).iloc[0])
    zygote = _zygote_pid(designer_twin)
    assert {int(row["pid"]) for row in rows}.isdisjoint({zygote, os.getpid()})
    assert rows[0]["pid"] != rows[1]["pid"]
    assert [int(row["calls"]) for row in rows] == [1, 1]  # module state never carries over
    assert rows[0]["draw"] != rows[1]["draw"]  # nor does the random state


def test_a_killed_zygote_is_replaced_by_the_next_run(run_in: RunIn, designer_twin: str) -> None:
    runner = run_in(designer_twin)
    assert runner(REPORT_PROCESS).ok
    old = _zygote_pid(designer_twin)
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while running(old) and time.monotonic() < deadline:
        time.sleep(0.05)
    result = runner(REPORT_PROCESS)
    assert result.ok, result.error
    assert _zygote_pid(designer_twin) != old


LINGERS = """
import os
import time

def azureml_main(dataframe1=None, dataframe2=None):
    with open({pid_file!r}, "w") as stream:
        stream.write(str(os.getpid()))
    if os.fork() == 0:  # a child of the run that outlives the call
        time.sleep(600)
        os._exit(0)
    while True:
        time.sleep(0.1)
"""


def test_a_timed_out_run_leaves_no_process(
    run_in: RunIn, designer_twin: str, tmp_path: Path
) -> None:
    pid_file = tmp_path / "run.pid"
    result = run_in(designer_twin)(LINGERS.format(pid_file=str(pid_file)), timeout_s=3)
    assert not result.ok and result.error is not None
    assert result.error.kind == "timeout"
    run_pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while running(run_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(run_pid)
    assert _session_members(run_pid) == []


def _session_members(session: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("twin_fixture", ["designer_twin", "classic_twin"])
def test_runs_in_each_twin_go_through_its_zygote(
    run_in: RunIn, twin_fixture: str, request: pytest.FixtureRequest
) -> None:
    twin = request.getfixturevalue(twin_fixture)
    result = run_in(twin)(REPORT_PROCESS)
    assert result.ok, result.error
    row = output_frame(result).iloc[0]
    assert bool(row["pandas_preloaded"]) is True
    assert int(row["pid"]) != _zygote_pid(twin)


def test_the_record_read_before_parsing_names_the_twin_the_store_checks(designer_twin: str) -> None:
    early = recorded_interpreter(designer_twin)
    checked = installed(designer_twin)
    assert early is not None and checked is not None
    assert (early.name, early.python, early.site) == (checked.name, checked.python, checked.site)
    for name in ("../designer", "no-such-twin", "", ".", "designer/site"):
        assert recorded_interpreter(name) is None, name


PARENT = """
import os
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    parent = os.getppid()
    with open("/proc/%d/cmdline" % parent, "rb") as f:
        words = f.read().decode("utf-8").split("\\0")
    return pd.DataFrame({"parent": [parent], "command": [" ".join(words)]}),
"""


def test_a_one_off_run_adopts_the_zygote_it_started_first(
    designer_twin: str, tmp_path: Path
) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    command = [sys.executable, "-m", "azml_lsp", "run", str(script), "--env", designer_twin]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    row = pd.read_csv(tmp_path / "out" / "result_dataset.csv").iloc[0]
    words = str(row["command"]).split()
    assert "--zygote" in words  # forked by the zygote the command line started before parsing
    folder = Path(words[words.index("--zygote") + 1])
    assert not folder.exists()  # the command's exit stopped the zygote and removed its folder
    assert not Path(f"/proc/{int(row['parent'])}").exists()
