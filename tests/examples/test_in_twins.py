"""Every example runs in the cloud runtime its dialect stands for (its default cloud twin, or
the twin its header names), as ``examples/run_all.py`` runs it for a user who created them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from azml_lsp.contract import Dialect
from azml_lsp.contract.twins import default_twin
from azml_lsp.settings import load_settings
from tests.examples.conftest import EXAMPLES_DIR
from tests.twins.conftest import ensure_twin

def twin_of(name: str) -> str:
    settings = load_settings(EXAMPLES_DIR / name / f"{name}.py")
    twin = settings.env or default_twin(Dialect.parse(settings.dialect), settings.target_python)
    assert twin is not None
    return twin


NAMES = sorted(p.name for p in EXAMPLES_DIR.iterdir() if (p / f"{p.name}.py").is_file())


@pytest.mark.parametrize("name", NAMES)
def test_the_example_runs_in_its_cloud_twin(name: str, tmp_path: Path) -> None:
    twin = twin_of(name)
    ensure_twin(twin)
    script = EXAMPLES_DIR / name / f"{name}.py"
    env = {k: v for k, v in os.environ.items() if k != "AZML_ENV"}  # the user's default
    done = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "run", str(script), "--json"]
        + ["--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    result = json.loads(done.stdout)
    assert result["ok"], result["error"]
    assert result["environment"].startswith(f"{twin} twin:")
