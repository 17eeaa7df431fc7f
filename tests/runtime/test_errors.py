"""CONTRACT.md section 7 and the child-process guarantees: every failure is a structured error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from azml_lsp.contract.errors import ERROR_0085_HEAD, ERROR_0085_TAIL
from tests.runtime.conftest import Runner, make_runner, running


@pytest.fixture(params=["fresh process", "warm worker"])
def run_either(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runner]:
    """Runs in a fresh child (the child caps itself) or a warm worker's forked child (the
    worker caps it while it starts)."""
    from azml_lsp.runtime import WarmWorker, run

    if request.param == "fresh process":
        yield make_runner(tmp_path, run)
        return
    worker = WarmWorker()
    try:
        yield make_runner(tmp_path, worker.run)
    finally:
        worker.close()


RAISES = """
import pandas as pd

def helper(x):
    return 1 / x

def azureml_main(dataframe1=None, dataframe2=None):
    y = helper(0)
    return pd.DataFrame({'y': [y]}),
"""


def test_error_0085_template_with_the_entry_point_line(run_script: Runner, tmp_path: Path) -> None:
    result = run_script(RAISES)
    error = result.error
    assert error is not None
    assert error.message == (
        ERROR_0085_HEAD + "Got exception when invoking script at line 7 in function azureml_main: "
        "'ZeroDivisionError: division by zero'." + ERROR_0085_TAIL
    )
    assert "---------- End of error message from Python  interpreter  ----------" in error.message
    assert (error.code, error.line, error.exception) == (85, 7, "ZeroDivisionError")
    script = str(tmp_path / "script.py")
    assert [(f.path, f.line, f.function) for f in error.frames] == [
        (script, 7, "azureml_main"),
        (script, 4, "helper"),
    ]
    assert f'File "{script}", line 4, in helper' in error.traceback
    assert "azml_lsp" not in error.traceback


def test_outermost_entry_point_frame_is_reported(run_script: Runner) -> None:
    source = """
def azureml_main(dataframe1=None, dataframe2=None, depth=0):
    if depth < 2:
        return azureml_main(dataframe1, dataframe2, depth + 1)
    raise ValueError("deep")
"""
    result = run_script(source)
    assert result.error is not None
    assert "at line 3 in function azureml_main: 'ValueError: deep'" in result.error.message


def test_import_time_error_has_no_entry_point_line(run_script: Runner) -> None:
    result = run_script(
        "import pandas as pd\n\nraise KeyError('k')\n\ndef azureml_main():\n    pass\n"
    )
    assert result.error is not None
    assert "Got exception when invoking script: 'KeyError: 'k''." in result.error.message
    assert result.error.line == 3


def test_syntax_error_points_at_its_line(run_script: Runner) -> None:
    result = run_script("def azureml_main(dataframe1=None):\n    return (\n\nx = ]\n")
    assert result.error is not None
    assert result.error.exception == "SyntaxError"
    assert result.error.line is not None and result.error.line >= 2


@pytest.mark.parametrize(
    ("statement", "exception"),
    [
        ("import sys; sys.exit(3)", "SystemExit"),
        ("raise KeyboardInterrupt()", "KeyboardInterrupt"),
        ("raise MemoryError('no room')", "MemoryError"),
        ("import sys; sys.setrecursionlimit(100); f = lambda n: f(n + 1); f(0)", "RecursionError"),
    ],
)
def test_base_exceptions_are_error_0085(run_script: Runner, statement: str, exception: str) -> None:
    result = run_script(f"def azureml_main(dataframe1=None, dataframe2=None):\n    {statement}\n")
    assert result.error is not None
    assert (result.error.code, result.error.exception, result.error.line) == (85, exception, 2)


def test_os_exit_is_a_crash_not_a_hang(run_script: Runner) -> None:
    result = run_script("import os\n\ndef azureml_main(df=None):\n    os._exit(0)\n")
    assert result.error is not None
    assert result.error.kind == "crash"
    assert "os._exit()" in result.error.message
    assert "while running azureml_main" in result.error.message


def test_segfault_is_a_crash_with_its_line(run_script: Runner) -> None:
    source = "import ctypes\n\ndef azureml_main(df=None):\n    ctypes.string_at(0)\n"
    result = run_script(source)
    assert result.error is not None
    assert result.error.kind == "crash"
    assert "SIGSEGV" in result.error.message
    assert result.error.line == 4


def test_endless_loop_times_out_naming_the_line(run_script: Runner) -> None:
    source = "def azureml_main(df=None):\n    n = 0\n    while True:\n        n += 1\n"
    result = run_script(source, timeout_s=1.5)
    assert result.error is not None
    assert result.error.kind == "timeout"
    assert result.error.line in (3, 4)
    assert result.duration_s < 10


def test_memory_bomb_hits_the_cap(run_script: Runner) -> None:
    source = "def azureml_main(df=None):\n    blocks = []\n    while True:\n        blocks.append(bytearray(50_000_000))\n"
    result = run_script(source, memory_mb=1024, timeout_s=60)
    assert result.error is not None
    assert result.error.kind == "memory"
    assert result.error.exception == "MemoryError"
    assert result.error.line == 4


def test_stdout_and_stderr_are_captured(run_script: Runner) -> None:
    source = """
import os, sys
print("at import")

def azureml_main(df=None):
    print("hello out")
    print("hello err", file=sys.stderr)
    os.write(1, b"raw fd write\\n")
"""
    result = run_script(source)
    assert result.ok
    assert "at import" in result.stdout and "hello out" in result.stdout
    assert "raw fd write" in result.stdout
    assert "hello err" in result.stderr


def test_output_flood_is_cut_with_a_note(run_script: Runner) -> None:
    source = "import sys\n\ndef azureml_main(df=None):\n    sys.stdout.write('x' * 30_000_000)\n"
    result = run_script(source, capture_max_bytes=1_000_000)
    assert result.ok
    assert "bytes of output left out" in result.stdout
    assert len(result.stdout) < 1_100_000


def test_cancel_stops_the_run(tmp_path: Path) -> None:
    import threading

    from azml_lsp.runtime import RunRequest, run
    from tests.runtime.conftest import write_script

    script = write_script(
        tmp_path, "import time\n\ndef azureml_main(df=None):\n    time.sleep(60)\n"
    )
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    result = run(RunRequest(script=str(script)), cancel=cancel)
    assert result.error is not None and result.error.kind == "cancelled"
    assert result.duration_s < 10


def test_processes_the_script_leaves_behind_are_stopped(run_script: Runner) -> None:
    source = """
import os, subprocess
import pandas as pd

def azureml_main(df=None):
    same_group = subprocess.Popen(["sleep", "300"])
    own_group = subprocess.Popen(["sleep", "300"], process_group=0)
    return pd.DataFrame({"pid": [same_group.pid, own_group.pid]}),
"""
    result = run_script(source)
    assert result.ok, result.error
    for pid in (row[0] for row in result.outputs[0].head):
        assert not running(pid), f"process {pid} outlived the run"


def test_processes_that_leave_the_session_are_stopped_by_the_pids_group(
    run_either: Runner,
) -> None:
    from azml_lsp.runtime.processes.forkguard import group_path

    if group_path(os.getpid()) is None:
        pytest.skip("no pids control group on this machine: a new session escapes the run")
    source = """
import subprocess
import pandas as pd

def azureml_main(df=None):
    escaped = subprocess.Popen(["sleep", "300"], start_new_session=True)
    return pd.DataFrame({"pid": [escaped.pid]}),
"""
    result = run_either(source)
    assert result.ok, result.error
    pid = result.outputs[0].head[0][0]
    assert not running(pid), f"process {pid} left the session and outlived the run"


FORK_BOMB = """
import os, time

def azureml_main(df=None):
    print("leader", os.getpid(), flush=True)
    for _ in range(3000):  # bounded, so a machine without a guard survives the test
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
"""


def test_fork_bomb_is_capped_and_cleaned_up(run_either: Runner) -> None:
    from azml_lsp.runtime.processes.forkguard import GROUP_PREFIX, group_path

    group = group_path(os.getpid())
    if group is None and os.geteuid() == 0:
        pytest.skip("no pids control group and root ignores RLIMIT_NPROC: no cap on this machine")
    result = run_either(FORK_BOMB, max_processes=40, timeout_s=60)
    assert result.error is not None
    assert result.error.exception in ("BlockingIOError", "OSError")
    assert result.error.line == 6
    leader = int(result.stdout.split()[1])
    if group is not None:
        assert not (group.parent / f"{GROUP_PREFIX}{leader}").exists(), "the pids group was left"


AT_IMPORT = """
import os
import pandas as pd

GROUPS = open("/proc/self/cgroup").read()

def azureml_main(df=None):
    return pd.DataFrame({"in_own_group": [f"azml-run-{os.getpid()}" in GROUPS]}),
"""


def test_the_cap_is_in_place_before_the_scripts_first_line(run_either: Runner) -> None:
    from azml_lsp.runtime.processes.forkguard import group_path

    if group_path(os.getpid()) is None:
        pytest.skip("no pids control group on this machine")
    result = run_either(AT_IMPORT)
    assert result.ok, result.error
    assert result.outputs[0].head == [[True]]


def test_a_script_that_deletes_its_working_directory(run_script: Runner) -> None:
    source = """
import os, shutil
import matplotlib.pyplot as plt
import pandas as pd

def azureml_main(df=None):
    plt.plot([1, 2])
    plt.savefig("lost.png")
    shutil.rmtree(os.getcwd())
    return pd.DataFrame({"a": [1]}),
"""
    result = run_script(source)
    assert result.ok, result.error
    assert result.outputs[0].rows == 1
    assert result.images == []


def test_module_level_changes_to_cwd_path_and_environment(run_script: Runner) -> None:
    source = """
import os, sys
import pandas as pd
os.chdir("/")
sys.path.clear()
os.environ.clear()

def azureml_main(df=None):
    return pd.DataFrame({"cwd_is_workdir": [os.path.basename(os.getcwd()) == "work"]}),
"""
    result = run_script(source)
    assert result.ok, result.error
    assert result.outputs[0].head == [[True]]
