"""Real services: ``azml serve`` in a child process on a loopback port, called over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
API_KEY = "k3y-for-tests-only-0123456789"
TIMEOUT_S = 3.0


def line_of(path: Path, marker: str) -> int:
    """The 1-based line of ``path`` holding ``marker``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if marker in text)


@pytest.fixture(scope="module")
def behaviours() -> Iterator[ServiceProcess]:
    """behaviours.py behind an API key, 2 workers with request isolation, a short timeout, a
    1 GB memory cap, a 1 MB body limit."""
    args = ["--workers", "2", "--isolation", "request", "--timeout", str(TIMEOUT_S)]
    args += ["--memory-mb", "1024"]
    args += ["--max-body-mb", "1", "--max-concurrent", "4"]
    env = {"AZML_SERVE_API_KEY": API_KEY}
    with ServiceProcess(FIXTURES / "behaviours.py", args, env=env) as service:
        yield service


@pytest.fixture
def client(behaviours: ServiceProcess) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=behaviours.url, headers=headers, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def scored() -> Iterator[ServiceProcess]:
    """scored.py with input1's columns fixed by sample.csv; no key (loopback only)."""
    args = ["--sample1", str(FIXTURES / "sample.csv"), "--workers", "1", "--timeout", "20"]
    with ServiceProcess(FIXTURES / "scored.py", args) as service:
        yield service


def table(columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"ColumnNames": columns, "Values": rows}


def error_detail(answer: httpx.Response) -> dict[str, Any]:
    """The first detail of a JSON error answer (every error answer has one)."""
    body = answer.json()
    assert set(body) == {"error"}, body
    detail: dict[str, Any] = body["error"]["details"][0]
    return detail
