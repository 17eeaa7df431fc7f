"""Runs under real cloud twins: each twin is created (or found created) in the user's cache by
the real ``azml env create``, then scripts run in it through the real runtime."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from azml_lsp.runtime import RunResult, run
from tests.runtime.conftest import csv1, csv2, make_runner

__all__ = ["csv1", "csv2"]  # the runtime tests' input fixtures, shared

TwinRunner = Callable[..., RunResult]


def ensure_twin(name: str) -> None:
    """Create the twin ``name`` unless it is created; a failure fails the test with the message
    a user would see (a missing interpreter names what to install)."""
    done = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "env", "create", name],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, f"azml env create {name} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def designer_twin() -> str:
    ensure_twin("designer")
    return "designer"


@pytest.fixture(scope="session")
def classic_twin() -> str:
    ensure_twin("classic-py27")
    return "classic-py27"


@pytest.fixture
def run_in(tmp_path: Path) -> Callable[[str], TwinRunner]:
    """``run_in(twin)(source, **request options)``: the script run in that twin."""

    def runner_for(twin: str) -> TwinRunner:
        runner = make_runner(tmp_path, run)

        def in_twin(source: str, **options: object) -> RunResult:
            return runner(source, env=twin, **options)

        return in_twin

    return runner_for
