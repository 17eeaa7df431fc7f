"""``azml serve --env``: where requests run is settled at start and reported by /health."""

from __future__ import annotations

import platform
import subprocess
import sys

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess
from tests.serve.conftest import FIXTURES


def test_an_unknown_twin_stops_the_command_with_its_name() -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "azml_lsp", "serve", str(FIXTURES / "scored.py")),
            *("--env", "no-such-twin", "--port", "0"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "unknown twin 'no-such-twin'" in done.stderr


def test_health_says_where_requests_run(scored: ServiceProcess) -> None:
    health = httpx.get(f"{scored.url}/health", timeout=10).json()
    assert health["environment"].startswith(f"local: Python {platform.python_version()}")
    assert "requests run in local: Python" in scored.log


@pytest.mark.parametrize("isolation", ["reimport", "worker"])
def test_isolations_in_a_warm_process_are_refused_with_another_python(isolation: str) -> None:
    """reimport and worker isolation call the script in a warm process (a host, or a twin's
    template): ``--python`` runs each request as a run of its own, so the command stops and
    says what to use instead."""
    done = subprocess.run(
        [
            *(sys.executable, "-m", "azml_lsp", "serve", str(FIXTURES / "scored.py")),
            *("--isolation", isolation, "--python", sys.executable, "--port", "0"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"--isolation {isolation} needs a warm process" in done.stderr
    assert "--env TWIN or --isolation request" in done.stderr
