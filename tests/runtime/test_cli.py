"""``azml run`` and ``azml debug`` as a user runs them: a real process, real files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.conftest import write_script

OK_SCRIPT = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    print("rows:", len(dataframe1))
    return dataframe1.assign(double=dataframe1["score"] * 2), dataframe1[["id"]]
"""


def azml(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azml_lsp", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_json_is_one_object_and_outputs_are_written(tmp_path: Path, csv1: Path) -> None:
    script = write_script(tmp_path, OK_SCRIPT)
    out = tmp_path / "out"
    done = azml("run", str(script), "--dataset1", str(csv1), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= {
        "ok",
        "dialect",
        "outputs",
        "images",
        "stdout",
        "stderr",
        "duration_s",
        "warnings",
        "error",
    }
    assert result["ok"] is True and result["error"] is None and result["dialect"] == "designer"
    assert [(o["port"], o["rows"], o["columns"]) for o in result["outputs"]] == [
        (1, 3, ["id", "name", "score", "double"]),
        (2, 3, ["id"]),
    ]
    assert (out / "result_dataset.csv").read_text().splitlines()[0] == "id,name,score,double"
    assert (out / "result_dataset2.csv").exists()
    assert "rows: 3" in (out / "log.txt").read_text()
    assert "double" in (out / "index.html").read_text()


def test_parquet_format(tmp_path: Path, csv1: Path) -> None:
    import pandas as pd

    script = write_script(tmp_path, OK_SCRIPT)
    done = azml(
        "run",
        str(script),
        "--dataset1",
        str(csv1),
        "--out",
        str(tmp_path / "o"),
        "--format",
        "parquet",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_parquet(tmp_path / "o" / "result_dataset.parquet")
    assert frame["double"].tolist()[0] == 3.0


def test_script_failure_exits_1_with_the_line(tmp_path: Path) -> None:
    script = write_script(tmp_path, "def azureml_main(df=None):\n    return 1 / 0\n")
    done = azml("run", str(script), "--out", str(tmp_path / "o"), "--json")
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert (error["code"], error["line"], error["exception"]) == (85, 2, "ZeroDivisionError")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "not found"),
        (b"", "empty"),
        (b"a,b\n1,2\n3,4,5\n", "input.csv:3:"),
        (b"a,b\n1,\xff\xfe\xfa\n", "UTF-8"),
        (b"a,a\n1,2\n", "appears twice"),
    ],
)
def test_unreadable_inputs_exit_2_naming_the_file(
    tmp_path: Path, content: bytes | None, words: str
) -> None:
    script = write_script(tmp_path, "def azureml_main(df=None):\n    return df,\n")
    data = tmp_path / "input.csv"
    if content is not None:
        data.write_bytes(content)
    done = azml("run", str(script), "--dataset1", str(data), "--out", str(tmp_path / "o"), "--json")
    assert done.returncode == 2, done.stdout + done.stderr
    message = json.loads(done.stdout)["error"]["message"]
    assert "input.csv" in message
    assert words.lower() in message.lower()


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    done = azml("run", str(tmp_path / "missing.py"))
    assert done.returncode == 2
    assert "missing.py" in done.stderr + done.stdout


def test_summary_without_json(tmp_path: Path, csv1: Path) -> None:
    script = write_script(tmp_path, OK_SCRIPT)
    done = azml("run", str(script), "--dataset1", str(csv1), "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr
    assert "double" in done.stdout
    assert "result_dataset.csv" in done.stdout


def test_header_declares_inputs_and_flags_win(tmp_path: Path, csv1: Path, csv2: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "one.csv").write_text(csv1.read_text())
    source = "# azml: dataset1=data/one.csv dialect=classic\n" + OK_SCRIPT
    script = write_script(tmp_path, source)
    declared = json.loads(azml("run", str(script), "--out", str(tmp_path / "a"), "--json").stdout)
    assert declared["dialect"] == "classic"
    assert declared["outputs"][0]["rows"] == 3
    flagged = azml(
        "run",
        str(script),
        "--dataset1",
        str(csv2),
        "--dialect",
        "designer",
        "--out",
        str(tmp_path / "b"),
        "--json",
    )
    result = json.loads(flagged.stdout)
    assert result["dialect"] == "designer"
    assert result["error"]["exception"] == "KeyError"


def test_keep_workdir(tmp_path: Path) -> None:
    script = write_script(
        tmp_path, "def azureml_main(df=None):\n    open('made.txt', 'w').write('x')\n"
    )
    kept = json.loads(
        azml("run", str(script), "--out", str(tmp_path / "o"), "--json", "--keep-workdir").stdout
    )
    assert kept["workdir"] and (Path(kept["workdir"]) / "made.txt").exists()
    gone = json.loads(azml("run", str(script), "--out", str(tmp_path / "o"), "--json").stdout)
    assert gone["workdir"] is None
    assert Path(kept["workdir"]).exists(), "a later run removed a kept working directory"
    shutil.rmtree(Path(kept["workdir"]).parent)


PROCESS_SCRIPT = """
import json, os, sys

def azureml_main(dataframe1=None, dataframe2=None):
    print(json.dumps({
        "path": sys.path[:-1],  # the last entry is the run's own working folder
        "package_importable": __import__("azml_lsp").__name__,
        "environment": {k: os.environ.get(k) for k in ("ARROW_DEFAULT_MEMORY_POOL", "MALLOC_ARENA_MAX")},
        "stdin": sys.stdin.read(),
        "stdout_errors": sys.stdout.errors,
        "encoding": sys.stdout.encoding,
        "session_leader": os.getsid(0) == os.getpid(),
    }))
"""


def test_the_command_lines_run_process_is_like_a_spawned_runs(tmp_path: Path) -> None:
    """``azml run`` forks its worker from the command line's own process where it can: the
    script still sees what a run started by a fresh interpreter (``--python``) sees, and not
    the folder the command was started in on its import path (the cloud has no such folder)."""
    script = write_script(tmp_path, PROCESS_SCRIPT)
    seen = []
    for extra in ([], ["--python", sys.executable]):
        done = azml("run", str(script), "--json", *extra, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        seen.append(json.loads(json.loads(done.stdout)["stdout"]))
    forked, spawned = seen
    assert forked == spawned
    assert str(tmp_path) not in forked["path"]  # where the command started is not importable
    assert forked["environment"] == {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2"}
    assert forked["stdin"] == "" and forked["session_leader"] is True
    assert (forked["encoding"], forked["stdout_errors"]) == ("utf-8", "surrogateescape")


def test_no_process_outlives_the_command(tmp_path: Path) -> None:
    """The worker the command started (the run's parent) is gone once the command returns."""
    import time

    from tests.runtime.conftest import running

    script = write_script(
        tmp_path, "import os\n\ndef azureml_main(dataframe1=None):\n    print(os.getppid())\n"
    )
    done = azml("run", str(script), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    worker = int(json.loads(done.stdout)["stdout"])
    deadline = time.monotonic() + 2
    while running(worker) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not running(worker), f"the worker {worker} outlived the command"


def test_the_commands_resource_usage_counts_its_run(tmp_path: Path) -> None:
    """``/usr/bin/time azml run`` reports the run's memory: every process is reaped."""
    script = write_script(
        tmp_path,
        "import numpy as np\n\nBIG = np.ones(300 * 2**20 // 8)\n\n"
        "def azureml_main(dataframe1=None):\n    return None\n",
    )
    measure = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    command = [sys.executable, "-m", "azml_lsp", "run", str(script), "--json"]
    done = subprocess.run(
        [sys.executable, "-c", measure, *command], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 300  # MiB: the run's array is counted


def test_a_command_started_without_standard_input_runs(tmp_path: Path, csv1: Path) -> None:
    """Some task runners start commands with descriptor 0 closed."""
    import os

    script = write_script(tmp_path, OK_SCRIPT)
    done = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "run", str(script), "--dataset1", str(csv1), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert done.stderr == ""
