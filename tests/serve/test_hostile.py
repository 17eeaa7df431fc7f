"""Hostile and failing requests get a clear JSON error, and the service keeps serving."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess
from tests.serve.conftest import API_KEY, FIXTURES, TIMEOUT_S, error_detail, line_of, table

ECHO = {"Inputs": {"input1": [{"action": "echo"}]}}


def still_serving(client: httpx.Client) -> None:
    answer = client.post("/score", json=ECHO)
    assert answer.status_code == 200, answer.text
    assert answer.json()["Results"]["output1"][0]["action"] == "echo"


def test_bad_json_names_line_and_column(client: httpx.Client) -> None:
    answer = client.post("/score", content=b'{"Inputs": {"input1": [}')
    assert answer.status_code == 400
    assert "not valid JSON" in error_detail(answer)["message"]
    assert "line 1, column 24" in error_detail(answer)["message"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"Inputs": "\xff\xfe"}', "not UTF-8"),
        (b"", "not valid JSON"),
    ],
    ids=["deep", "not-utf8", "empty"],
)
def test_bodies_json_cannot_read(client: httpx.Client, content: bytes, words: str) -> None:
    answer = client.post("/score", content=content)
    assert answer.status_code == 400
    assert words in error_detail(answer)["message"]
    assert error_detail(answer)["target"] == "body"


@pytest.mark.parametrize(
    ("body", "target", "words"),
    [
        ([1, 2], "Inputs", '"Inputs" object'),
        ({"Inputs": {"input3": []}}, "Inputs", "'input3'"),
        ({"Inputs": {"input1": 5}}, "Inputs.input1", "list of records"),
        ({"Inputs": {"input1": table(["a", "b"], [[1]])}}, "Inputs.input1", "row 0"),
        ({"Inputs": {"input1": table(["a", "a"], [])}}, "Inputs.input1", "duplicates"),
        ({"Inputs": {"input1": [{"a": [1, 2]}]}}, "Inputs.input1", "column 'a' holds a list"),
        ({"Inputs": {"input1": [{"a": 1}, {"a": "x"}]}}, "Inputs.input1", "mixes number and text"),
        ({"Inputs": {"input1": [{"a": 2**70}]}}, "Inputs.input1", "beyond a 64-bit integer"),
        ({"Inputs": {"input1": [{"a": 1}], "input2": table(["a"], [])}}, "Inputs", "same shape"),
    ],
)
def test_malformed_requests_name_the_problem(
    client: httpx.Client, body: object, target: str, words: str
) -> None:
    answer = client.post("/score", json=body)
    assert answer.status_code == 400, answer.text
    detail = error_detail(answer)
    assert detail["target"] == target
    assert words in str(detail["message"])


def test_script_error_is_0085_with_the_line(client: httpx.Client) -> None:
    answer = client.post("/score", json={"Inputs": {"input1": [{"action": "raise"}]}})
    assert answer.status_code == 400
    detail = error_detail(answer)
    line = line_of(FIXTURES / "behaviours.py", "fails-here")
    assert detail["code"] == "85"
    assert detail["line"] == line
    assert detail["exception"] == "KeyError"
    assert f"Got exception when invoking script at line {line} in function azureml_main" in str(
        detail["message"]
    )
    still_serving(client)


def test_hang_times_out_with_a_clear_error(client: httpx.Client) -> None:
    answer = client.post("/score", json={"Inputs": {"input1": [{"action": "hang"}]}})
    assert answer.status_code == 504
    body = answer.json()["error"]
    assert body["code"] == "RequestTimeout"
    detail = body["details"][0]
    assert detail["kind"] == "timeout"
    assert detail["line"] == line_of(FIXTURES / "behaviours.py", "hangs-here")
    assert f"did not finish within {TIMEOUT_S:g} s" in detail["message"]
    assert answer.elapsed.total_seconds() < TIMEOUT_S + 10
    still_serving(client)


def test_a_caller_that_leaves_frees_the_worker(
    client: httpx.Client, behaviours: ServiceProcess
) -> None:
    hang = {"Inputs": {"input1": [{"action": "hang"}]}}
    with pytest.raises(httpx.ReadTimeout):
        client.post("/score", json=hang, timeout=0.5)
    left = time.monotonic()
    while behaviours.health().get("busy") != 0:
        assert time.monotonic() - left < TIMEOUT_S - 1, "the run went on after its caller left"
        time.sleep(0.05)
    still_serving(client)


def test_a_dying_process_is_reported_and_replaced(client: httpx.Client) -> None:
    answer = client.post("/score", json={"Inputs": {"input1": [{"action": "die"}]}})
    assert answer.status_code == 500
    assert error_detail(answer)["kind"] == "crash"
    still_serving(client)


def test_memory_blow_up_is_answered(client: httpx.Client) -> None:
    answer = client.post("/score", json={"Inputs": {"input1": [{"action": "grow"}]}})
    assert answer.status_code == 500, answer.text
    assert answer.json()["error"]["code"] == "OutOfMemory"
    detail = error_detail(answer)
    assert (detail["kind"], detail["exception"]) == ("memory", "MemoryError")
    assert detail["line"] == line_of(FIXTURES / "behaviours.py", "grows-here")
    still_serving(client)


def test_huge_body_is_refused_before_reading_it(client: httpx.Client) -> None:
    rows = [{"action": "echo", "pad": "x" * 1000} for _ in range(2000)]
    answer = client.post("/score", json={"Inputs": {"input1": rows}})
    assert answer.status_code == 413
    assert error_detail(answer)["target"] == "body"


def test_huge_streamed_body_without_length_is_refused(client: httpx.Client) -> None:
    def chunks() -> object:
        yield b'{"Inputs": {"input1": ['
        for _ in range(3000):
            yield b'{"action": "echo", "pad": "' + b"y" * 1000 + b'"},'

    answer = client.post("/score", content=chunks())  # type: ignore[arg-type]
    assert answer.status_code == 413
    still_serving(client)


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", f"Basic {API_KEY}", "Bearer"])
def test_wrong_or_missing_key_is_refused(behaviours: ServiceProcess, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for path, method in (("/score", "POST"), ("/openapi.json", "GET")):
        answer = httpx.request(method, behaviours.url + path, headers=headers, json=ECHO)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert error_detail(answer)["target"] == "Authorization"


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/score", 405), ("GET", "/x", 404)])
def test_wrong_routes_answer_json(
    client: httpx.Client, method: str, path: str, status: int
) -> None:
    answer = client.request(method, path)
    assert answer.status_code == status
    assert error_detail(answer)["target"] == "path"


def test_health_needs_no_key(behaviours: ServiceProcess) -> None:
    answer = httpx.get(behaviours.url + "/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert answer.json()["workers"] == 2


def test_past_the_concurrency_limit_answers_429(client: httpx.Client) -> None:
    slow = {"Inputs": {"input1": [{"action": "sleep", "seconds": 3.0}]}}
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: client.post("/score", json=slow), range(8)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) >= 2
    assert 429 in statuses
    assert set(statuses) <= {200, 429}
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["retry-after"] == "1"
    still_serving(client)


def test_log_has_neither_key_nor_bodies(client: httpx.Client, behaviours: ServiceProcess) -> None:
    marker = "body-marker-5f1c"
    client.post("/score", json={"Inputs": {"input1": [{"action": "echo", "m": marker}]}})
    client.post("/score", json={"Inputs": {"input1": [{"action": "raise", "m": marker}]}})
    assert "POST /score" in behaviours.log
    assert API_KEY not in behaviours.log
    assert marker not in behaviours.log
