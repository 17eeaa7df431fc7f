"""Helpers to run real scripts through the real runtime (child processes, real files)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from azml_lsp.runtime import RunRequest, RunResult, run

Runner = Callable[..., RunResult]


def write_script(folder: Path, source: str, name: str = "script.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def csv1(tmp_path: Path) -> Path:
    path = tmp_path / "in1.csv"
    path.write_text("id,name,score\n1,ann,1.5\n2,,\n3,cy,3.5\n", encoding="utf-8")
    return path


@pytest.fixture
def csv2(tmp_path: Path) -> Path:
    path = tmp_path / "in2.csv"
    path.write_text("id,city\n1,Oslo\n3,Rome\n", encoding="utf-8")
    return path


def make_runner(tmp_path: Path, execute: Callable[[RunRequest], RunResult]) -> Runner:
    def runner(source: str, **options: Any) -> RunResult:
        script = write_script(tmp_path, source, options.pop("name", "script.py"))
        options.setdefault("out_dir", str(tmp_path / "out"))
        options.setdefault("timeout_s", 60)
        return execute(RunRequest(script=str(script), **options))

    return runner


@pytest.fixture
def run_script(tmp_path: Path) -> Runner:
    """Write ``source`` to a script file and run it in a fresh child process."""
    return make_runner(tmp_path, run)


def output_frame(result: RunResult, port: int = 1) -> Any:
    import pandas as pd

    table = next(o for o in result.outputs if o.port == port)
    if table.path.endswith(".parquet"):
        return pd.read_parquet(table.path)
    return pd.read_csv(table.path)


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
