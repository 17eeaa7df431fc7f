"""``azml serve --env TWIN``: a template in the twin's interpreter imports the script once, then
forks a child for every request (request isolation) or makes each call itself, running the
script's code again first (reimport) or not (worker). Module state carries from one request to
the next only under worker isolation, what the script prints is logged with the request's id,
an import error is every request's error 0085, a template that dies is replaced, and a call
that overruns is stopped (with the template that made it, under reimport and worker)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from azml_lsp.serve.config import ISOLATIONS
from azml_lsp.serve.launch import ServiceProcess
from tests.serve.conftest import FIXTURES
from tests.serve.test_isolation import COUNTER, assert_reimported_per_request, call, seen
from tests.serve.test_script_output import PRINTS, logged
from tests.twins.conftest import ensure_twin
from tests.twins.test_serve import line_of

TWINS = ["designer", "classic-py27"]
PRINTS_PY2 = """# azml: dialect=classic
import os
import sys

import pandas as pd


def azureml_main(frame1):
    word = frame1["word"].iloc[0]
    print "scoring", word
    print >> sys.stderr, "careful with", word
    os.system("echo from a command run for " + word)
    return frame1,
"""
TEMPLATE_KILLER = """import os
import signal

import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    if dataframe1["action"].iloc[0] == "kill-template":
        os.kill(os.getppid(), signal.SIGKILL)
        signal.pause()
    return pd.DataFrame({"template": [os.getppid()], "child": [os.getpid()]}),
"""
IMPORT_FAILS = """import pandas as pd

settings = {}
threshold = settings["threshold"]  # fails-at-import


def azureml_main(dataframe1=None, dataframe2=None):
    return dataframe1,
"""

BUNDLED = """import pandas as pd

import greeting


def azureml_main(dataframe1=None, dataframe2=None):
    with open("Script Bundle/notes.txt", "a") as notes:
        notes.write("a request was here\\n")
    with open("Script Bundle/notes.txt") as notes:
        lines = len(notes.readlines())
    return pd.DataFrame({"greeting": [greeting.PREFIX + "ann"], "lines": [lines]}),
"""


def serve(folder: Path, twin: str, name: str, source: str, *args: str) -> ServiceProcess:
    ensure_twin(twin)
    script = folder / name
    script.write_text(source, encoding="utf-8")
    arguments = ["--env", twin, "--workers", "1", "--timeout", "20", *args]
    return ServiceProcess(script, arguments, start_timeout_s=120)


@contextmanager
def served(
    folder: Path, twin: str, name: str, source: str, isolation: str
) -> Iterator[tuple[ServiceProcess, httpx.Client]]:
    """The service of ``source`` in ``twin`` under ``isolation``, and a client of it."""
    with (
        serve(folder, twin, name, source, "--isolation", isolation) as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):
        yield service, http


#: What three requests adding 1, 2 and 3 see of the script's module state, per isolation.
SEEN = {"request": ("1", "2", "3"), "reimport": ("1", "2", "3"), "worker": ("1", "1,2", "1,2,3")}


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_module_state_carries_over_only_under_worker_isolation(
    tmp_path: Path, twin: str, isolation: str
) -> None:
    with served(tmp_path, twin, "counter.py", COUNTER, isolation) as (service, http):
        health = service.health()
        assert health["isolation"] == isolation
        assert str(health["environment"]).startswith(f"{twin} twin:")
        answers = [seen(http, n) for n in (1, 2, 3)]
    assert tuple(text for text, _ in answers) == SEEN[isolation]
    pids = {pid for _, pid in answers}
    # request: a child of its own per request; reimport and worker: the template made each call
    assert len(pids) == (3 if isolation == "request" else 1)


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("isolation", ["reimport", "worker"])
def test_a_call_that_ends_the_template_is_a_crash_and_a_new_template_follows(
    tmp_path: Path, twin: str, isolation: str
) -> None:
    with served(tmp_path, twin, "counter.py", COUNTER, isolation) as (_, http):
        _, before = seen(http, 1)
        died = call(http, "die")
        assert died.status_code == 500, died.text
        assert died.json()["error"]["details"][0]["kind"] == "crash"
        text, after = seen(http, 2)
    assert text == "2"  # the new template imported the script afresh
    assert after != before


@pytest.mark.parametrize("twin", TWINS)
def test_reimport_in_a_twin_gives_fresh_script_globals_and_keeps_bundle_modules(
    tmp_path: Path, twin: str
) -> None:
    """The designer's re-import, in the twin's interpreter: the script's globals start afresh,
    a bundle module keeps its state, a failed import is that request's 0085 and the next
    request imports again, all in one template."""
    ensure_twin(twin)
    assert_reimported_per_request(tmp_path, ["--env", twin])


def test_the_dialects_default_in_a_twin_is_its_web_services_isolation(tmp_path: Path) -> None:
    """The designer re-imports the script for every request: served in its twin with no
    isolation asked for, the template re-imports it."""
    with serve(tmp_path, "designer", "counter.py", COUNTER) as service:
        assert service.health()["isolation"] == "reimport"


@pytest.mark.parametrize(
    ("twin", "source", "isolation"),
    [
        ("designer", PRINTS, "request"),
        ("designer", PRINTS, "reimport"),
        ("classic-py27", PRINTS_PY2, "request"),
        ("classic-py27", PRINTS_PY2, "worker"),
    ],
)
def test_script_output_is_logged_with_the_request_id(
    tmp_path: Path, twin: str, source: str, isolation: str
) -> None:
    with (
        serve(tmp_path, twin, "prints.py", source, "--isolation", isolation) as service,
        httpx.Client(base_url=service.url, timeout=60) as http,
    ):
        named = http.post(
            "/score",
            json={"Inputs": {"input1": [{"word": "apples"}]}},
            headers={"x-request-id": "order-17"},
        )
        unnamed = http.post("/score", json={"Inputs": {"input1": [{"word": "pears"}]}})
        assert named.status_code == unnamed.status_code == 200, (named.text, unnamed.text)
        made = unnamed.headers["x-request-id"]
        assert logged(service, "[request order-17] scoring apples")
        assert logged(service, "[request order-17] careful with apples")
        assert logged(service, "[request order-17] from a command run for apples")
        assert logged(service, f"[request {made}] scoring pears")
        if twin == "designer":  # PRINTS floods stdout on "flood": the log shows the cap
            flood = http.post("/score", json={"Inputs": {"input1": [{"word": "flood"}]}})
            assert flood.status_code == 200, flood.text
            assert logged(service, f"[request {flood.headers['x-request-id']}] [")
            assert "more bytes of output not shown]" in service.log


@pytest.mark.parametrize("twin", TWINS)
def test_a_template_that_dies_is_replaced(tmp_path: Path, twin: str) -> None:
    with (
        serve(tmp_path, twin, "killer.py", TEMPLATE_KILLER, "--isolation", "request") as service,
        httpx.Client(base_url=service.url, timeout=120) as http,
    ):

        def call(action: str) -> httpx.Response:
            return http.post("/score", json={"Inputs": {"input1": [{"action": action}]}})

        before = call("show")
        assert before.status_code == 200, before.text
        killed = call("kill-template")
        assert killed.status_code == 500, killed.text
        assert killed.json()["error"]["details"][0]["kind"] == "crash"
        started = time.monotonic()
        after = call("show")
        assert after.status_code == 200, after.text
        assert time.monotonic() - started < 60
    old, new = (answer.json()["Results"]["output1"][0]["template"] for answer in (before, after))
    assert old != new  # a new template took the dead one's place


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("isolation", ["request", "reimport"])
def test_an_import_error_is_every_requests_error_0085(
    tmp_path: Path, twin: str, isolation: str
) -> None:
    """Under reimport each request imports the script again, and fails again."""
    with served(tmp_path, twin, "import_fails.py", IMPORT_FAILS, isolation) as (_, http):
        answers = [http.post("/score", json={"Inputs": {"input1": [{"a": 1}]}}) for _ in range(2)]
    line = line_of(IMPORT_FAILS, "fails-at-import")
    for answer in answers:
        assert answer.status_code == 400, answer.text
        detail = answer.json()["error"]["details"][0]
        assert (detail["code"], detail["exception"], detail["line"]) == ("85", "KeyError", line)
        assert f"ran in the {twin} twin" in detail["reason"]


@pytest.mark.parametrize(
    ("twin", "isolation", "lines"),
    [
        ("designer", "request", [2, 2, 2]),
        ("classic-py27", "request", [2, 2, 2]),
        ("designer", "reimport", [2, 3, 4]),
        ("classic-py27", "worker", [2, 3, 4]),
    ],
)
def test_the_bundle_is_imported_and_each_request_has_its_own_copy_under_request_isolation(
    tmp_path: Path, twin: str, isolation: str, lines: list[int]
) -> None:
    """Request isolation: what one request writes in the bundle's folder, the next does not
    see; reimport and worker: a template's requests share one working directory."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "greeting.py").write_text((FIXTURES / "bundle" / "greeting.py").read_text())
    (bundle / "notes.txt").write_text("shipped with the bundle\n")
    with (
        serve(
            tmp_path, twin, "bundled.py", BUNDLED, "--bundle", str(bundle), "--isolation", isolation
        ) as service,
        httpx.Client(base_url=service.url, timeout=60) as http,
    ):
        answers = [http.post("/score", json={"Inputs": {"input1": [{"n": 1}]}}) for _ in range(3)]
    assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers]
    rows = [answer.json()["Results"]["output1"][0] for answer in answers]
    assert [row["lines"] for row in rows] == lines
    assert {row["greeting"] for row in rows} == {"hello ann"}
    assert (bundle / "notes.txt").read_text() == "shipped with the bundle\n"


HANGS = """import time

import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    if dataframe1["action"].iloc[0] == "hang":
        while True:
            time.sleep(0.01)  # hangs-here
    return pd.DataFrame({"ok": [1]}),
"""


@pytest.mark.parametrize("isolation", ["request", "reimport"])
def test_a_timeout_names_the_line_and_a_caller_that_leaves_frees_the_host(
    tmp_path: Path, isolation: str
) -> None:
    timeout_s = 3.0
    args = ("--timeout", str(timeout_s), "--isolation", isolation)
    with (
        serve(tmp_path, "designer", "hangs.py", HANGS, *args) as service,
        httpx.Client(base_url=service.url, timeout=60) as http,
    ):

        def call(action: str, timeout: float = 60.0) -> httpx.Response:
            body = {"Inputs": {"input1": [{"action": action}]}}
            return http.post("/score", json=body, timeout=timeout)

        answer = call("hang")
        assert answer.status_code == 504, answer.text
        detail = answer.json()["error"]["details"][0]
        assert (detail["kind"], detail["line"]) == ("timeout", line_of(HANGS, "hangs-here"))
        with pytest.raises(httpx.ReadTimeout):
            call("hang", timeout=0.5)
        left = time.monotonic()
        while service.health().get("busy") != 0:
            assert time.monotonic() - left < timeout_s - 1, "the call went on after its caller left"
            time.sleep(0.05)
        assert call("ok").status_code == 200
