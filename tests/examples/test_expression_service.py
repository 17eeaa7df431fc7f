"""examples/expression_service: each input expression comes back with its evaluated value."""

from __future__ import annotations

import math
from collections.abc import Callable

from tests.examples.conftest import EXAMPLES_DIR, ExampleRun, read_csv

FOLDER = EXAMPLES_DIR / "expression_service"


def test_every_expression_comes_back_with_its_value_or_error(
    run_example: Callable[[str], ExampleRun],
) -> None:
    run = run_example("expression_service")
    expressions = [row["expression"] for row in read_csv(FOLDER / "expressions.csv")]
    assert run.output(1)["columns"] == ["expression", "value", "type", "error"]
    rows = run.rows(1)
    assert [row["expression"] for row in rows] == expressions
    outcomes = set()
    for row in rows:
        try:
            # The expressions are this repository's own sample data.
            value = eval(row["expression"], {"math": math})
        except Exception as exc:
            assert row["value"] == "" and row["type"] == ""
            assert row["error"].startswith(f"{type(exc).__name__}: ")
            outcomes.add("error")
        else:
            assert row["value"] == repr(value)
            assert row["type"] == type(value).__name__
            assert row["error"] == ""
            outcomes.add("value")
    assert outcomes == {"value", "error"}, "the sample should show both outcomes"


def test_the_danger_is_stated_in_the_script_and_readme() -> None:
    for name in ("expression_service.py", "README.md"):
        text = (FOLDER / name).read_text(encoding="utf-8")
        assert "WARNING" in text and "untrusted" in text.lower(), name
