"""examples/feature_selection: ranking the Pima Indians diabetes features by importance."""

from __future__ import annotations

import math
from collections.abc import Callable

from tests.examples.conftest import EXAMPLES_DIR, ExampleRun, read_csv

FOLDER = EXAMPLES_DIR / "feature_selection"
TARGET = "Outcome"


def test_ranks_all_eight_features_in_descending_importance(
    run_example: Callable[[str], ExampleRun],
) -> None:
    run = run_example("feature_selection")
    source = read_csv(FOLDER / "pima-indians-diabetes.csv")
    features = [name for name in source[0] if name != TARGET]
    assert len(features) == 8
    output = run.output(1)
    assert output["columns"] == ["feature", "importance"]
    assert output["rows"] == len(features)
    ranking = run.rows(1)
    assert sorted(row["feature"] for row in ranking) == sorted(features)
    importances = [float(row["importance"]) for row in ranking]
    assert importances == sorted(importances, reverse=True)
    assert all(value > 0 for value in importances)
    assert math.isclose(sum(importances), 1.0, rel_tol=1e-6)


def test_the_data_copy_is_complete_and_named_after_the_names_file() -> None:
    rows = read_csv(FOLDER / "pima-indians-diabetes.csv")
    names_text = (FOLDER / "pima-indians-diabetes.names").read_text(encoding="utf-8")
    declared = next(
        int(line.split(":")[1]) for line in names_text.splitlines() if "Number of Instances" in line
    )
    assert len(rows) == declared
    assert len(rows[0]) == 9
    assert {row[TARGET] for row in rows} == {"0", "1"}
