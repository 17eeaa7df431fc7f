"""``azml compare`` refuses what cannot run before running anything, naming the field."""

from __future__ import annotations

from pathlib import Path

from tests.migrate.cli import azml

SCRIPT = "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"


def test_unknown_env_and_missing_inputs_stop_before_any_run(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(SCRIPT)
    data = tmp_path / "in.csv"
    data.write_text("a\n1\n")
    out = tmp_path / "cmp"
    cases = [
        (["--env", "local", "--env", "nowhere", "--dataset1", data],
         "error: unknown twin 'nowhere': known twins are"),
        (["--env", "local", "--env", "local", "--dataset1", tmp_path / "no.csv"],
         f"error: --dataset1: {tmp_path / 'no.csv'}: file not found"),
    ]  # fmt: skip
    for options, reason in cases:
        done = azml("compare", script, *options, "--out", out)
        assert done.returncode == 2, done.stdout
        assert done.stderr.count(reason) == 1, done.stderr
        assert not out.exists(), "a run started"
    missing = azml("compare", tmp_path / "none.py", "--env", "local", "--env", "local")
    assert missing.returncode == 2 and "none.py: script not found" in missing.stderr


def test_runs_that_fail_without_any_input_get_a_hint(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(SCRIPT.replace("dataframe1,", "dataframe1.copy(),"))
    done = azml("compare", script, "--env", "local", "--env", "local", "--out", tmp_path / "c")
    assert done.returncode == 2
    assert f"the local run failed at {script}:2: AttributeError" in done.stdout
    assert "hint: no input was given: --dataset1 FILE" in done.stdout
