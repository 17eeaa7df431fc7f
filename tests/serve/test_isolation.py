"""``--isolation request`` gives every request the script as its import left it; ``--isolation
reimport`` imports the script again for every request in a warm worker (the modules it imports
keep their state); ``--isolation worker`` imports it once per worker, so module state carries
from one request to the next."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess

COUNTER = """import os

import pandas as pd

calls = []  # module state: what earlier requests of this process appended


def azureml_main(dataframe1=None, dataframe2=None):
    if dataframe1["action"].iloc[0] == "die":
        os._exit(3)
    calls.append(int(dataframe1["n"].iloc[0]))
    return pd.DataFrame({"seen": [",".join(map(str, calls))], "pid": [os.getpid()]}),
"""


def call(http: httpx.Client, action: str, n: int = 0) -> httpx.Response:
    return http.post("/score", json={"Inputs": {"input1": [{"action": action, "n": n}]}})


def seen(http: httpx.Client, n: int) -> tuple[str, int]:
    answer = call(http, "add", n)
    assert answer.status_code == 200, answer.text
    row = answer.json()["Results"]["output1"][0]
    return row["seen"], row["pid"]


def serve(tmp_path: Path, isolation: str, header: str = "") -> ServiceProcess:
    script = tmp_path / "counter.py"
    script.write_text(header + COUNTER, encoding="utf-8")
    args = ["--workers", "1", "--timeout", "20"]
    if isolation:
        args += ["--isolation", isolation]
    return ServiceProcess(script, args, env={"AZML_ENV": "local"})


def test_request_isolation_never_carries_module_state(tmp_path: Path) -> None:
    with serve(tmp_path, "request") as service, httpx.Client(base_url=service.url) as http:
        assert service.health()["isolation"] == "request"
        first, first_pid = seen(http, 1)
        second, second_pid = seen(http, 2)
        third, _ = seen(http, 3)
    assert (first, second, third) == ("1", "2", "3")
    assert first_pid != second_pid  # each request ran in a process of its own


def test_worker_isolation_keeps_module_state_until_the_worker_is_replaced(
    tmp_path: Path,
) -> None:
    with serve(tmp_path, "worker") as service, httpx.Client(base_url=service.url) as http:
        assert service.health()["isolation"] == "worker"
        first, first_pid = seen(http, 1)
        second, second_pid = seen(http, 2)
        assert (first, second) == ("1", "1,2")
        assert first_pid == second_pid
        died = call(http, "die")
        assert died.status_code == 500
        assert died.json()["error"]["details"][0]["kind"] == "crash"
        after, after_pid = seen(http, 4)  # a new worker: the script imported afresh
    assert after == "4"
    assert after_pid != first_pid


TALLY = """import os

import pandas as pd
import tally  # a module of the Script Bundle: imported once per worker

if os.path.exists({flag!r}):
    raise RuntimeError("the flag file is there")

calls = []  # the script's own state: fresh for every request under reimport


def azureml_main(dataframe1=None, dataframe2=None):
    calls.append(int(dataframe1["n"].iloc[0]))
    tally.seen.append(int(dataframe1["n"].iloc[0]))
    return pd.DataFrame(
        {{
            "seen": [",".join(map(str, calls))],
            "bundle": [",".join(map(str, tally.seen))],
            "pid": [os.getpid()],
        }}
    ),
"""


def test_reimport_isolation_gives_each_request_a_fresh_script_module(tmp_path: Path) -> None:
    """As the designer re-imports the script on every request: its globals start afresh, a
    bundle module it imports keeps its state, and a request whose import fails gets the error
    while the next one imports the script again."""
    assert_reimported_per_request(tmp_path, [], env={"AZML_ENV": "local"})


def assert_reimported_per_request(
    tmp_path: Path, args_after: list[str], env: dict[str, str] | None = None
) -> None:
    """TALLY served with reimport isolation (and ``args_after``) behaves as the designer's re-import."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "tally.py").write_text("seen = []\n", encoding="utf-8")
    flag = tmp_path / "fail-the-import"
    script = tmp_path / "tallied.py"
    script.write_text(TALLY.format(flag=str(flag)), encoding="utf-8")
    args = ["--workers", "1", "--timeout", "20", "--isolation", "reimport", "--bundle", str(bundle)]
    with (
        ServiceProcess(script, args + args_after, env=env, start_timeout_s=120) as service,
        httpx.Client(base_url=service.url, timeout=60) as http,
    ):
        assert service.health()["isolation"] == "reimport"
        rows = [call(http, "add", n).json()["Results"]["output1"][0] for n in (1, 2)]
        flag.write_text("", encoding="utf-8")
        failed = call(http, "add", 3)
        flag.unlink()
        after = call(http, "add", 4).json()["Results"]["output1"][0]
    assert [(r["seen"], r["bundle"]) for r in rows] == [("1", "1"), ("2", "1,2")]
    assert rows[0]["pid"] == rows[1]["pid"] == after["pid"]  # one warm process throughout
    assert failed.status_code == 400  # the script's own error, as at any other import
    (detail,) = failed.json()["error"]["details"]
    assert "the flag file is there" in detail["message"] and detail["line"] == 7
    assert (after["seen"], after["bundle"]) == ("4", "1,2,4")


@pytest.mark.parametrize("isolation", ["request", "reimport", "worker"])
def test_the_scripts_declared_isolation_is_used(tmp_path: Path, isolation: str) -> None:
    with serve(tmp_path, "", header=f"# azml: isolation={isolation}\n") as service:
        assert service.health()["isolation"] == isolation


@pytest.mark.parametrize(
    ("dialect", "isolation"), [("classic", "request"), ("designer", "reimport")]
)
def test_the_default_isolation_is_the_dialects_web_service_behaviour(
    tmp_path: Path, dialect: str, isolation: str
) -> None:
    """Classic ran the module afresh on every call; the designer re-imports the script on every
    request (CONTRACT.md section 9): with no isolation asked for, that is what a request gets."""
    with (
        serve(tmp_path, "", header=f"# azml: dialect={dialect}\n") as service,
        httpx.Client(base_url=service.url, timeout=60) as http,
    ):
        assert service.health()["isolation"] == isolation
        (first, first_pid), (second, second_pid) = seen(http, 1), seen(http, 2)
    assert (first, second) == ("1", "2")  # the script's globals start afresh either way
    assert (first_pid == second_pid) == (isolation == "reimport")  # reimport: one warm worker
