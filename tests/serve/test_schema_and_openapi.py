"""A service with a fixed input schema, its OpenAPI document, and schemathesis against it."""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from azml_lsp.serve.launch import ServiceProcess
from tests.serve.conftest import error_detail, table

COLUMNS = ["name", "score", "count", "flag"]


def test_wrong_columns_are_named(scored: ServiceProcess) -> None:
    body = {"Inputs": {"input1": [{"name": "a", "score": 1.0, "colour": "red"}]}}
    answer = httpx.post(scored.url + "/score", json=body)
    assert answer.status_code == 400
    message = str(error_detail(answer)["message"])
    assert "missing column(s) 'count', 'flag'" in message
    assert "unknown column(s) 'colour'" in message


def test_values_are_cast_to_the_sample_types(scored: ServiceProcess) -> None:
    rows: list[list[Any]] = [["c", 2, 5, True], ["d", None, 1, False]]
    body = {
        "Inputs": {"input1": table(["flag", "count", "score", "name"], [r[::-1] for r in rows])}
    }
    answer = httpx.post(scored.url + "/score", json=body)
    assert answer.status_code == 200, answer.text
    value = answer.json()["Results"]["output1"]["value"]
    assert value["ColumnNames"] == [*COLUMNS, "total"]
    assert value["ColumnTypes"] == ["String", "Double", "Int64", "Boolean", "Double"]
    assert value["Values"] == [["c", 2.0, 5, True, 10.0], ["d", None, 1, False, None]]


def test_no_records_is_an_empty_table_of_the_sample_columns(scored: ServiceProcess) -> None:
    answer = httpx.post(scored.url + "/score", json={"Inputs": {"input1": []}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"Results": {"output1": []}}


def test_an_infinite_result_is_sent_as_text(scored: ServiceProcess) -> None:
    row = {"name": "big", "score": 1e308, "count": 10, "flag": True}
    answer = httpx.post(scored.url + "/score", json={"Inputs": {"input1": [row]}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["Results"]["output1"] == [{**row, "total": "Infinity"}]


def test_a_value_of_the_wrong_type_is_named(scored: ServiceProcess) -> None:
    body = {"Inputs": {"input1": [{"name": "a", "score": 1.0, "count": 1.5, "flag": True}]}}
    answer = httpx.post(scored.url + "/score", json=body)
    assert answer.status_code == 400
    assert "column 'count' must hold integer values" in str(error_detail(answer)["message"])


def test_a_required_input_is_named(scored: ServiceProcess) -> None:
    answer = httpx.post(scored.url + "/score", json={"Inputs": {}})
    assert answer.status_code == 400
    assert error_detail(answer)["target"] == "Inputs.input1"


def test_openapi_document_describes_both_shapes(scored: ServiceProcess) -> None:
    document = httpx.get(scored.url + "/openapi.json").json()
    body = document["paths"]["/score"]["post"]["requestBody"]["content"]["application/json"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in body["schema"]["oneOf"]} == {
        "TableRequest",
        "RecordsRequest",
    }
    schemas = document["components"]["schemas"]
    record = schemas["RecordsRequest"]["properties"]["Inputs"]["properties"]["input1"]["items"]
    assert record["required"] == COLUMNS
    assert record["properties"]["count"]["type"] == "integer"
    assert {"400", "401", "413", "429", "503", "504"} <= set(
        document["paths"]["/score"]["post"]["responses"]
    )


def test_service_conforms_to_its_openapi_document(scored: ServiceProcess) -> None:
    """Generated requests, valid and not, get documented statuses and bodies, never a 5xx.

    Each operation's cases come from its Hypothesis strategy, run inside this one test, so the
    check depends on schemathesis' public API only, not on its pytest plugin.
    """
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
    api = schemathesis.openapi.from_url(scored.url + "/openapi.json", config=config)
    operations = [result.ok() for result in api.get_all_operations()]
    assert {operation.label for operation in operations} >= {"POST /score"}

    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]

    def conforms(case: schemathesis.Case) -> None:
        answer = case.call(timeout=30)
        assert answer.status_code < 500, (
            f"{case.operation.label}: {answer.text}\n{scored.log[-4000:]}"
        )
        case.validate_response(answer, checks=checks)

    for operation in operations:
        explore = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        explore(given(case=operation.as_strategy())(conforms))()
