"""``azml compare``: the same script in a cloud twin and locally, through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PY2_DIVISION = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    out = dataframe1.copy()
    out["ratio"] = 7 / 2
    return out,
"""

PORTABLE = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    out = dataframe1.copy()
    out["total"] = out["a"] * 2 + out["b"]
    return out,
"""

CHAINED_ASSIGNMENT = """
def azureml_main(dataframe1=None, dataframe2=None):
    out = dataframe1.copy()
    out["a"][0] = 0
    return out,
"""

FAILS_IN_PY3 = """
def azureml_main(dataframe1=None, dataframe2=None):
    return dataframe1.ix[:, ["a"]],
"""


def _compare(tmp_path: Path, source: str, data: Path, *envs: str) -> subprocess.CompletedProcess:
    script = tmp_path / "script.py"
    script.write_text(source)
    command = [sys.executable, "-m", "azml_lsp", "compare", str(script), "--dataset1", str(data)]
    for env in envs:
        command += ["--env", env]
    command += ["--out", str(tmp_path / "cmp"), "--json"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,10\n2,20\n3,30\n")
    return path


def test_python2_division_differs_from_local(tmp_path: Path, data: Path, classic_twin: str) -> None:
    done = _compare(tmp_path, PY2_DIVISION, data, classic_twin, "local")
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["equal"] is False
    (port,) = summary["ports"]
    assert port["kinds"] == {"ratio": ["integer", "float"]}
    assert port["cells"][0] == {"row": 0, "column": "ratio", "left": "3", "right": "3.5"}
    assert port["differing_cells"] == 3
    assert "classic-py27 twin" in summary["runs"][0]["environment"]
    page = (tmp_path / "cmp" / "compare.html").read_text()
    assert "class='differs'>3<" in page and "class='differs'>3.5<" in page
    assert json.loads((tmp_path / "cmp" / "compare.json").read_text()) == summary


def test_a_portable_script_is_equal_across_runtimes(
    tmp_path: Path, data: Path, designer_twin: str
) -> None:
    done = _compare(tmp_path, PORTABLE, data, designer_twin, "local")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["equal"] is True


def test_a_run_that_fails_exits_2_naming_it(tmp_path: Path, data: Path, classic_twin: str) -> None:
    done = _compare(tmp_path, FAILS_IN_PY3, data, classic_twin, "local")
    assert done.returncode == 2
    summary = json.loads(done.stdout)
    assert [run["ok"] for run in summary["runs"]] == [True, False]
    assert "ix" in summary["runs"][1]["error"]


def test_env_must_be_given_twice(tmp_path: Path, data: Path) -> None:
    done = _compare(tmp_path, PORTABLE, data, "local")
    assert done.returncode == 2
    assert "give --env exactly twice" in done.stderr


def test_copy_on_write_shows_between_the_designer_and_pandas_3(
    tmp_path: Path, data: Path, designer_twin: str
) -> None:
    import pandas as pd

    assert int(pd.__version__.split(".")[0]) >= 3, "local pandas has copy-on-write from 3.0"
    done = _compare(tmp_path, CHAINED_ASSIGNMENT, data, designer_twin, "local")
    assert done.returncode == 1, done.stderr
    (port,) = json.loads(done.stdout)["ports"]
    assert port["differing_cells"] == 1
    assert port["cells"] == [{"row": 0, "column": "a", "left": "0", "right": "1"}]
    shown = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "compare", str(tmp_path / "script.py"), "--dataset1",
         str(data), "--env", designer_twin, "--env", "local", "--out", str(tmp_path / "cmp")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "1 differing cell, the first in column a row 0 (0 vs 1)" in shown.stdout
