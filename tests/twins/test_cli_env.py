"""``azml run`` with a twin named only by the script: the twin's dialect, and the script's ``env``
winning over a project-wide ``python``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """# azml: env=classic-py27
import pandas as pd


def azureml_main(frame1):
    print "rows", len(frame1)
    return pd.DataFrame({"pandas": [pd.__version__]}),
"""


def test_a_script_naming_its_twin_runs_there_with_its_dialect(
    classic_twin: str, tmp_path: Path, csv1: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.azml]\npython = "/nonexistent/python"\n')
    script = tmp_path / "legacy.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "azml_lsp", "run", str(script), "--json"),
            *("--dataset1", str(csv1), "--out", str(tmp_path / "out")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    result = json.loads(done.stdout)
    assert done.returncode == 0, result["error"]
    assert result["dialect"] == "classic"
    assert result["environment"].startswith(f"{classic_twin} twin: Python 2.7")
    assert "rows" in result["stdout"]
