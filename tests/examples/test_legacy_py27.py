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


def test_the_designer_version_is_the_migration_with_the_listed_line_finished() -> None:
    """legacy_py27_designer.py is what `azml migrate --to designer` writes, except the one `/`
    it listed (AZ701), finished by hand as `//`."""
    from azml_lsp.contract.dialects import Dialect
    from azml_lsp.migrate.plan import migrate_source
    from azml_lsp.migrate.targets import resolve_target

    script = FOLDER / "legacy_py27.py"
    migration = migrate_source(script.read_text(), resolve_target("designer"),
                               source_dialect=Dialect.CLASSIC)  # fmt: skip
    finished = (FOLDER / "legacy_py27_designer.py").read_text()
    (listed,) = migration.listed
    assert listed.code == "AZ701"
    auto, done = migration.text.splitlines(), finished.splitlines()
    differing = [i + 1 for i, (a, b) in enumerate(zip(auto, done, strict=True)) if a != b]
    body = [n for n in differing if n > 10]  # the docstring says what was done by hand
    assert body == [listed.line]
    assert "total // 3" in done[listed.line - 1]
