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
    assert "the first in column half row 0 (3 vs 3.5)" in report["verdict"]


INPUT_IX = """import urllib2


def azureml_main(frame1):
    ranked = frame1.copy()
    ranked.sort('score', ascending=False, inplace=True)
    ranked['first'] = frame1.ix[0, 'name']
    ranked['second_score'] = frame1.ix[1, 1]
    ranked['top_two'] = len(frame1.ix[0:1])
    ranked['by_index'] = frame1.sort(ascending=False).ix[:, 'name'].values
    return ranked
"""


def test_write_with_verify_runs_the_original_then_replaces_it(
    tmp_path: Path, scores: Path, classic_twin: str, designer_twin: str
) -> None:
    script = tmp_path / "ix.py"
    script.write_text(INPUT_IX)
    command = [sys.executable, "-m", "azml_lsp", "migrate", str(script), "--to", "designer",
               "--write", "--verify", "--dataset1", str(scores), "--out", str(tmp_path / "v"),
               "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout)
    assert done.returncode == 0, (report, done.stderr)
    assert [run["ok"] for run in report["comparison"]["runs"]] == [True, True]
    assert report["written"] == [str(script)]
    migrated = script.read_text()
    assert "import urllib.request" in migrated, "the Python 2 import ran in the classic twin"
    assert "frame1.loc[0, 'name']" in migrated and "frame1.loc[0:1]" in migrated
    assert "frame1.iloc[1, 1]" in migrated
    assert "frame1.sort_index(ascending=False).loc[:, 'name']" in migrated
    assert "    return ranked.reset_index(drop=True),\n" in migrated, "sorted in place"


def test_a_missing_input_stops_verify_and_write(tmp_path: Path, classic_twin: str) -> None:
    script = tmp_path / "ix.py"
    script.write_text(INPUT_IX)
    command = [sys.executable, "-m", "azml_lsp", "migrate", str(script), "--to", "designer",
               "--write", "--verify", "--dataset1", str(tmp_path / "no.csv"), "--out",
               str(tmp_path / "v")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 2
    assert f"--dataset1: {tmp_path / 'no.csv'}: file not found" in done.stderr
    assert "nothing was run or written" in done.stderr
    assert script.read_text() == INPUT_IX and not (tmp_path / "v").exists()


def test_a_latin_1_script_verifies_equal(
    tmp_path: Path, scores: Path, classic_twin: str, designer_twin: str
) -> None:
    source = (
        "# -*- coding: latin-1 -*-\n"
        "def azureml_main(frame1):\n"
        '    print "caf\xe9", len(frame1)\n'
        '    frame1["label"] = u"caf\xe9"\n'
        "    return frame1\n"
    )
    script = tmp_path / "latin.py"
    script.write_bytes(source.encode("latin-1"))
    command = [sys.executable, "-m", "azml_lsp", "migrate", str(script), "--to", "designer",
               "--verify", "--dataset1", str(scores), "--out", str(tmp_path / "v"), "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout)
    assert done.returncode == 0, (report.get("verdict"), done.stderr)
    migrated = (tmp_path / "v" / "migrated" / "latin.py").read_bytes()
    assert b'frame1["label"] = u"caf\xe9"' in migrated and b"# -*- coding: latin-1" in migrated
