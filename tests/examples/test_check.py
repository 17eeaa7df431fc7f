"""``azml check`` finds no error in any example script."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import run_all

CHECK_AVAILABLE = importlib.util.find_spec("azml_lsp.cli.check") is not None


@pytest.mark.xfail(not CHECK_AVAILABLE, reason="azml check is not installed", strict=True)
@pytest.mark.parametrize("script", run_all.example_scripts(), ids=lambda p: p.parent.name)
def test_check_reports_no_errors(script: Path) -> None:
    done = run_all.azml("check", "--format", "json", str(script))
    assert done.returncode == 0, done.stdout + done.stderr
    diagnostics = json.loads(done.stdout)
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert errors == []
    assert all(Path(d["path"]).resolve() == script for d in diagnostics)
