"""The warm worker: same results as a fresh process, no state shared between runs, replaced when
it dies."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from azml_lsp.runtime import RunRequest, WarmWorker
from tests.runtime.conftest import Runner, make_runner, output_frame


@pytest.fixture(scope="module")
def worker() -> Iterator[WarmWorker]:
    warm = WarmWorker()
    warm.start()
    yield warm
    warm.close()


@pytest.fixture
def run_warm(tmp_path: Path, worker: WarmWorker) -> Runner:
    return make_runner(tmp_path, worker.run)


LEAKY = """
import os, sys, random
import numpy as np
import pandas as pd

COUNT = getattr(sys, "_azml_count", 0) + 1
sys._azml_count = COUNT

def azureml_main(dataframe1=None, dataframe2=None):
    leaked = os.environ.get("AZML_LEAK")
    os.environ["AZML_LEAK"] = "yes"
    sys.path.insert(0, "/nowhere")
    return pd.DataFrame({
        "count": [COUNT], "leaked": [leaked is not None],
        "nowhere": [sys.path.count("/nowhere")],
        "r": [random.random()], "np": [float(np.random.rand())],
    }),
"""


def test_runs_share_no_state(run_warm: Runner) -> None:
    first = output_frame(run_warm(LEAKY))
    second = output_frame(run_warm(LEAKY))
    assert first.loc[0, "count"] == second.loc[0, "count"] == 1
    assert not second.loc[0, "leaked"]
    assert second.loc[0, "nowhere"] == 1
    assert first.loc[0, "r"] != second.loc[0, "r"]
    assert first.loc[0, "np"] != second.loc[0, "np"]


def test_warm_results_match_a_fresh_process(
    run_warm: Runner, run_script: Runner, csv1: Path
) -> None:
    source = (
        "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1.describe(),\n"
    )
    warm = run_warm(source, dataset1=str(csv1))
    cold = run_script(source, dataset1=str(csv1))
    assert warm.ok and cold.ok
    assert warm.outputs[0].columns == cold.outputs[0].columns
    assert warm.outputs[0].head == cold.outputs[0].head


def test_crash_and_timeout_leave_the_worker_serving(run_warm: Runner) -> None:
    crashed = run_warm("import os\n\ndef azureml_main(df=None):\n    os._exit(3)\n")
    assert crashed.error is not None and crashed.error.kind == "crash"
    hung = run_warm("def azureml_main(df=None):\n    while True:\n        pass\n", timeout_s=1)
    assert hung.error is not None and hung.error.kind == "timeout" and hung.error.line in (2, 3)
    fine = run_warm(
        "import pandas as pd\n\ndef azureml_main(df=None):\n    return pd.DataFrame({'a': [1]}),\n"
    )
    assert fine.ok


def test_a_dead_worker_is_replaced(tmp_path: Path) -> None:
    warm = WarmWorker()
    try:
        script = tmp_path / "s.py"
        script.write_text(
            "import pandas as pd\n\ndef azureml_main(df=None):\n    return pd.DataFrame({'a': [1]}),\n"
        )
        assert warm.run(RunRequest(script=str(script))).ok
        assert warm.pid is not None
        os.kill(warm.pid, signal.SIGKILL)
        result = warm.run(RunRequest(script=str(script)))
        assert result.ok, result.error
    finally:
        warm.close()


ADDRESS_SPACE = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    status = open("/proc/self/status").read()
    before = int(status.split("VmSize:")[1].split()[0]) // 1024
    block = bytearray(400 * 1024 * 1024)
    return pd.DataFrame({"before_mb": [before], "rows": [len(dataframe1)], "got": [len(block)]}),
"""


def test_a_warm_workers_run_has_its_memory_cap_for_the_data(
    run_warm: Runner, tmp_path: Path
) -> None:
    """A run forked from the warm worker inherits the worker's address space; Arrow and the
    allocator must not have reserved most of the cap before the script starts."""
    import pandas as pd

    parquet = tmp_path / "in.parquet"
    pd.DataFrame({"a": range(1000), "s": ["x"] * 1000}).to_parquet(parquet)
    for _ in range(3):
        result = run_warm(ADDRESS_SPACE, dataset1=str(parquet), memory_mb=1024)
        assert result.ok, result.error
        frame = output_frame(result)
        assert frame.loc[0, "rows"] == 1000
        assert frame.loc[0, "before_mb"] < 1024 // 2, frame.loc[0, "before_mb"]


def test_a_worker_started_elsewhere_does_not_import_from_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module beside where the server or web service was started is not importable by a run
    (the cloud has no such folder): the run fails with the import error, as in the cloud."""
    started_in = tmp_path / "project"
    started_in.mkdir()
    (started_in / "helper_beside.py").write_text("VALUE = 1\n")
    monkeypatch.chdir(started_in)
    warm = WarmWorker()
    try:
        result = make_runner(tmp_path, warm.run)(
            "import helper_beside\n\ndef azureml_main(dataframe1=None):\n    return None\n"
        )
    finally:
        warm.close()
    assert result.error is not None and result.error.exception == "ModuleNotFoundError"
