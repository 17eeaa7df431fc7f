"""The hostile matrix (``tests/hostile_scripts.py``) in each twin, through a warm worker as the
language server runs it: every case ends as it does locally, within its timeout, and the probe
run after it is unaffected."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from azml_lsp.runtime import RunRequest, WarmWorker
from tests.hostile_scripts import CASES, IDS, PROBE, PROBE_INPUT, PROBE_ROW, TIMEOUT_S, Hostile
from tests.runtime.test_hostile_matrix import assert_ends_as_expected, probe_frame
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
    script = tmp_path / f"{case.name}.py"
    script.write_text(case.script(), encoding="utf-8")
    request = RunRequest(
        script=str(script), out_dir=str(tmp_path / "hostile"), timeout_s=TIMEOUT_S, env=twin
    )
    result = worker.run(request)
    assert result.environment.startswith(f"{twin} twin:")
    assert_ends_as_expected(in_python_2(case) if twin == "classic-py27" else case, result)
    assert result.duration_s < TIMEOUT_S + 15
    if case.name == "stdout_flood":
        assert "bytes of output left out" in result.stdout
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    data = tmp_path / "numbers.csv"
    data.write_text(PROBE_INPUT, encoding="utf-8")
    after = worker.run(
        RunRequest(script=str(probe), dataset1=str(data), out_dir=str(tmp_path / "probe"), env=twin)
    )
    assert after.ok, after.error
    assert probe_frame(tmp_path / "probe") == PROBE_ROW
