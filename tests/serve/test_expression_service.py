"""The documentation's expression-evaluation web service, served on loopback and called.

The example runs ``eval`` on its input: it is served here on 127.0.0.1 only, never beyond.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from azml_lsp.cli import cli
from azml_lsp.serve.launch import ServiceProcess
from tests.serve.conftest import REPO, table

EXAMPLE = REPO / "examples" / "expression_service" / "expression_service.py"


@pytest.fixture(scope="module")
def expressions() -> Iterator[ServiceProcess]:
    with ServiceProcess(EXAMPLE, ["--dialect", "classic", "--workers", "1"]) as service:
        yield service


def test_records_are_evaluated(expressions: ServiceProcess) -> None:
    body = {"Inputs": {"input1": [{"expression": "2 ** 10"}, {"expression": "1 / 0"}]}}
    answer = httpx.post(expressions.url + "/score", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    rows = answer.json()["Results"]["output1"]
    assert rows[0] == {"expression": "2 ** 10", "value": "1024", "type": "int", "error": None}
    assert rows[1]["error"] == "ZeroDivisionError: division by zero"


def test_table_shape_is_evaluated(expressions: ServiceProcess) -> None:
    body = {"Inputs": {"input1": table(["expression"], [["math.sqrt(16)"], ["'ab' * 2"]])}}
    answer = httpx.post(expressions.url + "/score", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    value = answer.json()["Results"]["output1"]["value"]
    assert value["ColumnNames"] == ["expression", "value", "type", "error"]
    assert [row[1] for row in value["Values"]] == ["4.0", "'abab'"]


def test_missing_column_is_the_scripts_own_0085_error(expressions: ServiceProcess) -> None:
    answer = httpx.post(
        expressions.url + "/score", json={"Inputs": {"input1": [{"x": 1}]}}, timeout=60
    )
    assert answer.status_code == 400
    detail = answer.json()["error"]["details"][0]
    assert detail["code"] == "85"
    assert detail["exception"] == "ValueError"
    assert "connect a table with a text column 'expression'" in detail["message"]


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_it_cannot_be_exposed_without_a_key(host: str) -> None:
    answer = CliRunner().invoke(
        cli, ["serve", str(EXAMPLE), "--host", host], env={"AZML_SERVE_API_KEY": ""}
    )
    assert answer.exit_code == 2
    assert "refusing to listen" in answer.output
    assert "--api-key" in answer.output
