"""Every hostile script of ``tests/hostile_scripts.py`` through ``azml serve`` with one worker,
in every isolation here and in the designer and classic-py27 twins (the template runs in the
twin's Python 3.6 or 2.7): each request is answered as its case says, and the probe request
after it is unaffected (with ``--isolation reimport`` or ``worker`` a worker or twin template
that died or overran has been replaced)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from azml_lsp.serve.config import ISOLATIONS
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
from tests.twins.conftest import ensure_twin
from tests.twins.test_hostile_matrix import in_python_2

ARGS = ["--workers", "1", "--timeout", str(TIMEOUT_S), "--memory-mb", "2048"]
#: (isolation, environment): every isolation here and in two twins.
SETUPS = tuple(
    (isolation, env) for env in ("local", "designer", "classic-py27") for isolation in ISOLATIONS
)
SETUP_IDS = [f"{isolation}-{env}" for isolation, env in SETUPS]
IN_CALL = [case for case in CASES if not case.module_level]
AT_MODULE_LEVEL = [case for case in CASES if case.module_level]


def _serve(folder: Path, name: str, script: str, setup: tuple[str, str]) -> ServiceProcess:
    isolation, env = setup
    if env != "local":
        ensure_twin(env)
    path = folder / name
    path.write_text(script, encoding="utf-8")
    args = [*ARGS, "--isolation", isolation, "--env", env]
    return ServiceProcess(path, args, start_timeout_s=120)


@pytest.fixture(scope="module", params=SETUPS, ids=SETUP_IDS)
def dispatcher(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[httpx.Client, str]]:
    """A client of the dispatching script's service, and the environment it runs in."""
    folder = tmp_path_factory.mktemp("hostile")
    with (
        _serve(folder, "dispatch.py", dispatching_script(), request.param) as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):
        yield http, request.param[1]


def score(http: httpx.Client, rows: list[dict[str, Any]]) -> httpx.Response:
    return http.post("/score", json={"Inputs": {"input1": rows}})


def assert_probe_unaffected(http: httpx.Client) -> None:
    header, *lines = PROBE_INPUT.splitlines()
    rows = [dict(zip(header.split(","), line.split(","), strict=True)) for line in lines]
    answer = score(http, [{"key": r["key"], "value": int(r["value"])} for r in rows])
    assert answer.status_code == 200, answer.text
    assert answer.json()["Results"]["output1"] == [PROBE_ROW]


@pytest.mark.parametrize("case", IN_CALL, ids=[case.name for case in IN_CALL])
def test_hostile_request_then_a_normal_one(
    dispatcher: tuple[httpx.Client, str], case: Hostile
) -> None:
    http, env = dispatcher
    case = in_python_2(case) if env == "classic-py27" else case
    answer = score(http, [{"case": case.name}])
    assert answer.elapsed.total_seconds() < TIMEOUT_S + 15
    if case.kind is None:
        assert answer.status_code == 200, answer.text
    else:
        assert answer.status_code == RUN_ERROR_STATUS[case.kind][0], answer.text
        detail = answer.json()["error"]["details"][0]
        assert detail["kind"] == case.kind, detail
        if case.exception:
            assert detail["exception"] in case.exception, detail
    assert_probe_unaffected(http)


@pytest.mark.parametrize("setup", SETUPS, ids=SETUP_IDS)
@pytest.mark.parametrize("case", AT_MODULE_LEVEL, ids=[case.name for case in AT_MODULE_LEVEL])
def test_module_level_changes_stay_in_each_request(
    tmp_path: Path, case: Hostile, setup: tuple[str, str]
) -> None:
    with (
        _serve(tmp_path, f"{case.name}.py", case.script(), setup) as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):
        for _ in range(3):
            answer = score(http, [{"x": 1}])
            assert answer.status_code == 200, answer.text
            assert answer.json()["Results"]["output1"] == [{"done": 1}]
