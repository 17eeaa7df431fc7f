"""``azml serve`` in the classic-py27 twin: each request runs the script under Python 2.7 and
pandas 0.18.1, through the real service over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess

SCORED = """# azml: dialect=classic
import sys

import pandas as pd


def azureml_main(frame1):
    print "scoring", len(frame1)
    if (frame1["n"] < 0).any():
        raise ValueError("negative n")
    halves = [int(n) / 2 for n in frame1["n"]]
    python = "%d.%d" % sys.version_info[:2]
    return frame1.assign(half=halves, python=python, pandas=pd.__version__),
"""
DECLARED = """# azml: env=classic-py27
import pandas as pd


def azureml_main(frame1):
    return pd.DataFrame({"pandas": [pd.__version__], "rows": [len(frame1)]}),
"""


def line_of(source: str, marker: str) -> int:
    return 1 + next(i for i, text in enumerate(source.splitlines()) if marker in text)


@pytest.fixture(scope="module")
def twin_service(classic_twin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SCORED served with --env classic-py27 (the script names no twin itself)."""
    script = tmp_path_factory.mktemp("serve_twin") / "scored_py2.py"
    script.write_text(SCORED, encoding="utf-8")
    args = ["--env", classic_twin, "--workers", "1", "--timeout", "60"]
    with ServiceProcess(script, args, start_timeout_s=120) as service:
        yield service.url


def test_requests_run_in_the_twin(twin_service: str, classic_twin: str) -> None:
    with httpx.Client(base_url=twin_service, timeout=120) as http:
        health = http.get("/health").json()
        assert health["environment"].startswith(f"{classic_twin} twin: Python 2.7")
        records = [{"n": 5}, {"n": 4}]
        answer = http.post("/score", json={"Inputs": {"input1": records}})
    assert answer.status_code == 200, answer.text
    rows = answer.json()["Results"]["output1"]
    assert [row["half"] for row in rows] == [2, 2]  # 5 / 2 is 2 on Python 2
    assert {(row["python"], row["pandas"]) for row in rows} == {("2.7", "0.18.1")}


def test_a_failing_request_names_the_line_in_the_twin(twin_service: str) -> None:
    with httpx.Client(base_url=twin_service, timeout=120) as http:
        answer = http.post("/score", json={"Inputs": {"input1": [{"n": -1}]}})
    assert answer.status_code == 400, answer.text
    (detail,) = answer.json()["error"]["details"]
    assert detail["code"] == "85" and detail["exception"] == "ValueError"
    assert detail["line"] == line_of(SCORED, "negative n")


def test_the_declared_env_is_served_with_its_dialect(classic_twin: str, tmp_path: Path) -> None:
    script = tmp_path / "declared.py"
    script.write_text(DECLARED, encoding="utf-8")
    with (
        ServiceProcess(script, ["--workers", "1"], start_timeout_s=120) as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):
        assert http.get("/health").json()["environment"].startswith(f"{classic_twin} twin:")
        answer = http.post("/score", json={"Inputs": {"input1": [{"a": 1}, {"a": 2}]}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["Results"]["output1"] == [{"pandas": "0.18.1", "rows": 2}]
