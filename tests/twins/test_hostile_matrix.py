"""The hostile matrix (``tests/hostile_scripts.py``) in each twin, through a warm worker as the
language server runs it: every case ends as it does locally, within its timeout, and the probe
run after it is unaffected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from azml_lsp.runtime import WarmWorker
from tests.hostile_scripts import CASES, IDS, Hostile
from tests.runtime.test_hostile_matrix import run_case_then_probe
from tests.twins.conftest import ensure_twin

TWINS = ["classic-py27", "designer"]
#: Exceptions Python 2 raises in place of newer ones.
PYTHON_2_NAMES = {"RecursionError": "RuntimeError", "BlockingIOError": "OSError"}


@pytest.fixture(scope="module")
def worker() -> Iterator[WarmWorker]:
    for twin in TWINS:
        ensure_twin(twin)
    warm = WarmWorker()
    warm.start()
    yield warm
    warm.close()


def in_python_2(case: Hostile) -> Hostile:
    """The case as Python 2 reports it."""
    names = tuple(PYTHON_2_NAMES.get(name, name) for name in case.exception)
    return replace(case, exception=names)


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hostile_run_in_a_twin_then_a_normal_one(
    worker: WarmWorker, tmp_path: Path, case: Hostile, twin: str
) -> None:
    expected = in_python_2(case) if twin == "classic-py27" else case
    run_case_then_probe(worker, tmp_path, expected, env=twin)
