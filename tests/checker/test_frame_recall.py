"""Every receiver form of the legacy-style scripts is inferred (``benchmarks/frame_recall.py``
measures the same set), and the checker's rules reach through them."""

from __future__ import annotations

import pytest

from azml_lsp.checker import CheckConfig, check_source
from azml_lsp.checker.receivers import receiver_class
from benchmarks.frame_recall import BEYOND, BUNDLE, DATA, Expected, expectations, inferred

CASES = expectations()
COVERED = [c for c in CASES if c.form != BEYOND]
FORMS = {
    "mask", "column-list", "column", "slice", "loc", "iloc", "copy", "merge", "join", "concat",
    "groupby", "groupby-agg", "read-csv", "helper-script", "helper-bundle", "rolling",
    "str-accessor", "method",
}  # fmt: skip


def test_the_set_covers_every_form() -> None:
    assert {c.form for c in COVERED} == FORMS
    assert len(CASES) > len(COVERED)  # forms beyond the covered ones are measured too


@pytest.mark.parametrize("case", COVERED, ids=lambda c: f"{c.form}-{c.path.stem}-{c.line}")
def test_each_covered_form_is_inferred_from_the_syntax(case: Expected) -> None:
    assert inferred(case, receiver_class, use_jedi=False) == case.cls


def test_rules_reach_receivers_through_helpers_of_the_script_and_the_bundle() -> None:
    path = DATA / "read_and_helpers.py"
    config = CheckConfig(dialect="designer", bundle=str(BUNDLE), use_jedi=False)
    found = check_source(path.read_text(encoding="utf-8"), str(path), config)
    lines = {d.line for d in found if d.code == "AZ401"}
    assert {18, 20} <= lines  # cleaned.as_matrix (script helper), featured.ix (bundle helper)
