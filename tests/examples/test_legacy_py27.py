"""examples/legacy_py27: a Python 2.7 classic script runs in the classic-py27 twin, as in 2016,
and nowhere else."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable

from tests.examples.conftest import EXAMPLES_DIR, ExampleRun, read_csv
from tests.twins.conftest import ensure_twin

FOLDER = EXAMPLES_DIR / "legacy_py27"


def test_it_ranks_the_students_in_the_twin(run_example: Callable[[str], ExampleRun]) -> None:
    ensure_twin("classic-py27")
    run = run_example("legacy_py27")
    assert run.result["ok"], run.result["error"]
    assert run.result["environment"].startswith("classic-py27 twin: Python 2.7")
    totals: dict[str, int] = defaultdict(int)
    for row in read_csv(FOLDER / "scores.csv"):
        totals[row["student"]] += int(row["points"])
    ranked = sorted(totals, key=lambda s: -totals[s])
    expected = [
        {"student": s, "total": str(totals[s]), "mean": str(totals[s] // 3), "rank": str(i)}
        for i, s in enumerate(ranked, start=1)
    ]
    assert run.rows(1) == expected
    assert "best: ann" in run.result["stdout"]


def test_it_does_not_run_on_this_machines_python() -> None:
    script = FOLDER / "legacy_py27.py"
    done = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "run", str(script), "--env", "local", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(done.stdout)
    assert done.returncode == 1
    assert result["error"]["exception"] == "SyntaxError"
    assert result["environment"].startswith("local: Python 3")
