"""examples/run_all.py: the main job checks and runs every example and summarizes them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import run_all

RUN_ALL = run_all.EXAMPLES_DIR / "run_all.py"


def run_main_job(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUN_ALL), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "160"},
    )


def test_checks_and_runs_the_chosen_examples_into_azml_out(tmp_path: Path) -> None:
    chosen = ["hello_bundle", "scatter_matrix"]
    done = run_main_job(*chosen, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in chosen:
        assert name in done.stdout
        assert (tmp_path / "azml-out" / name / "result_dataset.csv").is_file()
        assert (tmp_path / "azml-out" / name / "index.html").is_file()
    assert list((tmp_path / "azml-out" / "scatter_matrix" / "python_device").glob("*.png"))
    assert not (tmp_path / "azml-out" / "join_two_inputs").exists()
    assert f"all {len(chosen)} passed" in done.stdout


def test_an_unknown_example_name_is_refused_with_the_choices(tmp_path: Path) -> None:
    done = run_main_job("no_such_example", cwd=tmp_path)
    assert done.returncode != 0
    assert "no_such_example" in done.stderr
    assert "hello_bundle" in done.stderr
    assert not (tmp_path / "azml-out").exists()


def test_a_failing_example_fails_the_job(tmp_path: Path) -> None:
    broken = tmp_path / "examples" / "broken"
    broken.mkdir(parents=True)
    (broken / "broken.py").write_text(
        "# azml: dialect=designer\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n"
        "    return 1 / 0\n",
        encoding="utf-8",
    )
    done = run_main_job("--root", str(broken.parent), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "broken" in done.stdout
    assert "ZeroDivisionError" in done.stdout
