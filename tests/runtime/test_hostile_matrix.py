"""Every hostile script of ``tests/hostile_scripts.py`` through one warm worker: each run ends as
its case says, within its timeout, and the probe run after it is unaffected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from azml_lsp.runtime import RunRequest, RunResult, WarmWorker
from tests.hostile_scripts import CASES, IDS, PROBE, PROBE_INPUT, PROBE_ROW, TIMEOUT_S, Hostile


@pytest.fixture(scope="module")
def worker() -> Iterator[WarmWorker]:
    warm = WarmWorker()
    warm.start()
    yield warm
    warm.close()


def assert_ends_as_expected(case: Hostile, result: RunResult) -> None:
    """The run of ``case`` ended as the case says: success, or the error kind and exception."""
    if case.kind is None:
        assert result.ok, result.error
        return
    assert result.error is not None, f"{case.name} succeeded"
    assert result.error.kind == case.kind, result.error
    if case.exception:
        assert result.error.exception in case.exception, result.error
    assert result.error.message


def probe_frame(out: Path) -> dict[str, object]:
    """The probe's one output row, read back from its CSV."""
    import pandas as pd

    row = pd.read_csv(out / "result_dataset.csv").iloc[0]
    return {name: row[name].item() for name in PROBE_ROW}


def run_case_then_probe(worker: WarmWorker, tmp_path: Path, case: Hostile, **options: Any) -> None:
    """Run ``case`` (expected as it says), then the probe, which must be unaffected; ``options``
    go into both requests (``env``)."""
    script = tmp_path / f"{case.name}.py"
    script.write_text(case.script(), encoding="utf-8")
    hostile = RunRequest(
        script=str(script), out_dir=str(tmp_path / "hostile"), timeout_s=TIMEOUT_S, **options
    )
    result = worker.run(hostile)
    if "env" in options:
        assert result.environment.startswith(f"{options['env']} twin:"), result.environment
    assert_ends_as_expected(case, result)
    assert result.duration_s < TIMEOUT_S + 15
    if case.name == "stdout_flood":
        assert "bytes of output left out" in result.stdout
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    data = tmp_path / "numbers.csv"
    data.write_text(PROBE_INPUT, encoding="utf-8")
    after = worker.run(
        RunRequest(
            script=str(probe), dataset1=str(data), out_dir=str(tmp_path / "probe"), **options
        )
    )
    assert after.ok, after.error
    assert probe_frame(tmp_path / "probe") == PROBE_ROW


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hostile_run_then_a_normal_one(worker: WarmWorker, tmp_path: Path, case: Hostile) -> None:
    run_case_then_probe(worker, tmp_path, case)
