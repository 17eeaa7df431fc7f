"""The classic examples keep to the classic sandbox: no network, no writes outside the workdir."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import run_all

from azml_lsp.settings import load_settings
from tests.examples.conftest import ExampleRun

CLASSIC = [s for s in run_all.example_scripts() if load_settings(s).dialect == "classic"]


@pytest.mark.parametrize("script", CLASSIC, ids=lambda p: p.parent.name)
def test_runs_the_same_under_the_strict_sandbox(
    script: Path, tmp_path: Path, run_example: Callable[[str], ExampleRun]
) -> None:
    done = run_all.azml("run", str(script), "--sandbox", "strict", "--out", str(tmp_path), "--json")
    result = json.loads(done.stdout)
    assert result["ok"], json.dumps(result["error"], indent=2)
    plain = run_example(script.parent.name).result
    for key in ("rows", "columns"):
        assert [o[key] for o in result["outputs"]] == [o[key] for o in plain["outputs"]]
    assert [Path(p).name for p in result["images"]] == [Path(p).name for p in plain["images"]]
