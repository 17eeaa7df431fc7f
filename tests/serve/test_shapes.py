"""Both JSON shapes round-trip through the real service, and the types survive."""

from __future__ import annotations

import httpx

from tests.serve.conftest import table


def test_table_shape_answers_a_typed_table(client: httpx.Client) -> None:
    rows = [["echo", 1, 2.5, True, None], ["echo", 2, None, False, "x"]]
    body = {
        "Inputs": {"input1": table(["action", "n", "f", "b", "s"], rows)},
        "GlobalParameters": {},
    }
    answer = client.post("/score", json=body)
    assert answer.status_code == 200, answer.text
    output = answer.json()["Results"]["output1"]
    assert output["type"] == "table"
    value = output["value"]
    assert value["ColumnNames"] == ["action", "n", "f", "b", "s", "rows", "pid", "second_input"]
    assert value["ColumnTypes"][:5] == ["String", "Int64", "Double", "Boolean", "String"]
    assert [row[:5] for row in value["Values"]] == rows
    assert {row[5] for row in value["Values"]} == {2}
    dtypes = answer.json()["Results"]["output2"]["value"]["Values"]
    assert [d[0] for d in dtypes][1:4] == ["int64", "float64", "bool"]


def test_records_shape_answers_records(client: httpx.Client) -> None:
    records = [{"action": "echo", "x": 1}, {"action": "echo", "x": 3}]
    answer = client.post("/score", json={"Inputs": {"input1": records}})
    assert answer.status_code == 200, answer.text
    out = answer.json()["Results"]["output1"]
    assert [{k: r[k] for k in ("action", "x", "rows")} for r in out] == [
        {**r, "rows": 2} for r in records
    ]


def test_input2_reaches_the_second_parameter(client: httpx.Client) -> None:
    inputs = {
        "input1": [{"action": "echo"}],
        "input2": [{"k": 1}, {"k": 2}, {"k": 3}],
    }
    answer = client.post("/score", json={"Inputs": inputs})
    assert answer.status_code == 200, answer.text
    assert answer.json()["Results"]["output1"][0]["second_input"] == 3


def test_each_request_runs_in_a_fresh_process(client: httpx.Client) -> None:
    body = {"Inputs": {"input1": [{"action": "echo"}]}}
    pids = {client.post("/score", json=body).json()["Results"]["output1"][0]["pid"] for _ in "abc"}
    assert len(pids) == 3
