"""Every hostile script of ``tests/hostile_scripts.py`` through ``azml serve`` with one worker,
in both isolations: each request is answered as its case says, and the probe request after it
is unaffected (with ``--isolation worker`` a worker that died or overran has been replaced)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from azml_lsp.serve.errors import RUN_ERROR_STATUS
from azml_lsp.serve.launch import ServiceProcess
from tests.hostile_scripts import (
    CASES,
    PROBE_INPUT,
    PROBE_ROW,
    TIMEOUT_S,
    Hostile,
    dispatching_script,
)

ARGS = ["--workers", "1", "--timeout", str(TIMEOUT_S), "--memory-mb", "2048"]
ISOLATIONS = ("request", "worker")
IN_CALL = [case for case in CASES if not case.module_level]
AT_MODULE_LEVEL = [case for case in CASES if case.module_level]


def _serve(folder: Path, name: str, script: str, isolation: str) -> ServiceProcess:
    path = folder / name
    path.write_text(script, encoding="utf-8")
    return ServiceProcess(path, [*ARGS, "--isolation", isolation])


@pytest.fixture(scope="module", params=ISOLATIONS)
def dispatcher(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("hostile")
    with (
        _serve(folder, "dispatch.py", dispatching_script(), request.param) as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):
        yield http


def score(http: httpx.Client, rows: list[dict[str, Any]]) -> httpx.Response:
    return http.post("/score", json={"Inputs": {"input1": rows}})


def assert_probe_unaffected(http: httpx.Client) -> None:
    header, *lines = PROBE_INPUT.splitlines()
    rows = [dict(zip(header.split(","), line.split(","), strict=True)) for line in lines]
    answer = score(http, [{"key": r["key"], "value": int(r["value"])} for r in rows])
    assert answer.status_code == 200, answer.text
    assert answer.json()["Results"]["output1"] == [PROBE_ROW]


@pytest.mark.parametrize("case", IN_CALL, ids=[case.name for case in IN_CALL])
def test_hostile_request_then_a_normal_one(dispatcher: httpx.Client, case: Hostile) -> None:
    answer = score(dispatcher, [{"case": case.name}])
    assert answer.elapsed.total_seconds() < TIMEOUT_S + 15
    if case.kind is None:
        assert answer.status_code == 200, answer.text
    else:
        assert answer.status_code == RUN_ERROR_STATUS[case.kind][0], answer.text
        detail = answer.json()["error"]["details"][0]
        assert detail["kind"] == case.kind, detail
        if case.exception:
            assert detail["exception"] in case.exception, detail
    assert_probe_unaffected(dispatcher)


@pytest.mark.parametrize("isolation", ISOLATIONS)
@pytest.mark.parametrize("case", AT_MODULE_LEVEL, ids=[case.name for case in AT_MODULE_LEVEL])
def test_module_level_changes_stay_in_each_request(
    tmp_path: Path, case: Hostile, isolation: str
) -> None:
    with (
        _serve(tmp_path, f"{case.name}.py", case.script(), isolation) as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):
        for _ in range(3):
            answer = score(http, [{"x": 1}])
            assert answer.status_code == 200, answer.text
            assert answer.json()["Results"]["output1"] == [{"done": 1}]
