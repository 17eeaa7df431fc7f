"""``azml migrate --verify``: the original in its classic twin, the migrated script in the
designer twin, through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LEGACY = """# azml: dialect=classic env=classic-py27
import pandas as pd


def azureml_main(frame1):
    print "rows:", len(frame1)
    best = frame1.sort('score', ascending=False)
    print "top:", best.ix[best.index[0], 'name']
    matrix = best.as_matrix(columns=['score'])
    best['double'] = matrix[:, 0] * 2
    return best, frame1.describe()
"""

DIVISION = """# azml: dialect=classic env=classic-py27
def azureml_main(frame1):
    print "rows:", len(frame1)
    out = frame1.copy()
    out['half'] = [x / 2 for x in out['score']]
    return out,
"""


@pytest.fixture
def scores(tmp_path: Path) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text("name,score\nann,7\nbob,9\ncy,4\n")
    return path


def _verify(tmp_path: Path, source: str, data: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "legacy.py"
    script.write_text(source)
    command = [sys.executable, "-m", "azml_lsp", "migrate", str(script), "--to", "designer",
               "--verify", "--dataset1", str(data), "--out", str(tmp_path / "v"), "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert script.read_text() == source, "--verify without --write changed the script"
    return done


def test_python27_classic_script_migrates_to_designer_with_equal_outputs(
    tmp_path: Path, scores: Path, classic_twin: str, designer_twin: str
) -> None:
    done = _verify(tmp_path, LEGACY, scores)
    report = json.loads(done.stdout)
    assert done.returncode == 0, (report, done.stderr)
    comparison = report["comparison"]
    assert comparison["equal"] is True
    assert comparison["envs"] == [classic_twin, designer_twin]
    assert [p["port"] for p in comparison["ports"]] == [1]
    codes = {line.split()[1] for line in report["findings"]}
    assert {"AZ302", "AZ401", "AZ204", "AZ704"} <= codes
    assert (tmp_path / "v" / "compare.html").is_file()
    migrated = (tmp_path / "v" / "migrated" / "legacy.py").read_text()
    assert "best.loc[best.index[0], 'name']" in migrated and "as_matrix" not in migrated
    assert "    return best.reset_index(drop=True),\n" in migrated


def test_integer_division_is_reported_different_with_column_and_row(
    tmp_path: Path, scores: Path, classic_twin: str, designer_twin: str
) -> None:
    done = _verify(tmp_path, DIVISION, scores)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert any("AZ701 check" in line for line in report["findings"])
    (port,) = report["comparison"]["ports"]
    assert port["kinds"] == {"half": ["integer", "float"]}
    assert port["cells"][0] == {"row": 0, "column": "half", "left": "3", "right": "3.5"}
