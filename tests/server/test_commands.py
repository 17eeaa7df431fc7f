"""azml.run through the language server: results, progress, failures as diagnostics, cancelling."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.server.conftest import (
    diagnostics_of,
    open_script,
    replace_text,
    wait_for,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

DOUBLE = """# azml: dataset1=numbers.csv
def azureml_main(dataframe1=None, dataframe2=None):
    dataframe1["double"] = dataframe1["value"] * 2
    return dataframe1,
"""
FAILING = """def azureml_main(dataframe1=None, dataframe2=None):
    total = 3
    return total / 0
"""
SLEEPING = """import os
import time
from pathlib import Path

Path({pid_file!r}).write_text(str(os.getpid()))


def azureml_main(dataframe1=None, dataframe2=None):
    time.sleep(120)
"""


def prepare_workspace(root: Path) -> None:
    (root / "numbers.csv").write_text("key,value\na,1\nb,2\nc,5\n")


async def run(
    client: LanguageClient, argument: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    params = types.ExecuteCommandParams("azml.run", [argument], work_done_token=token)
    if token is not None:
        client.progress_reports.setdefault(token, [])  # a token the client made itself
    result = await asyncio.wait_for(client.workspace_execute_command_async(params), 120)
    assert isinstance(result, dict)
    return result


async def test_run_returns_the_result_json(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "double.py", DOUBLE)
    result = await run(client, {"uri": uri}, token="run-double")
    assert result["ok"], result.get("error")
    expected = pd.read_csv(workspace / "numbers.csv").assign(double=lambda f: f["value"] * 2)
    (table,) = [o for o in result["outputs"] if o["port"] == 1]
    assert table["columns"] == list(expected.columns)
    assert table["rows"] == len(expected)
    kinds = [report.kind for report in client.progress_reports["run-double"]]
    assert kinds[0] == "begin" and kinds[-1] == "end"


async def test_arguments_win_over_the_header(client: LanguageClient, workspace: Path) -> None:
    (workspace / "other.csv").write_text("key,value,extra\nz,9,1\n")
    uri = open_script(client, workspace / "double_other.py", DOUBLE)
    result = await run(client, {"uri": uri, "dataset1": "other.csv", "dialect": "classic"})
    assert result["ok"], result.get("error")
    assert result["dialect"] == "classic"
    assert result["outputs"][0]["columns"] == ["key", "value", "extra", "double"]


async def test_unsaved_text_is_what_runs(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "unsaved.py", DOUBLE)
    replace_text(client, uri, DOUBLE.replace('["double"]', '["triple"]').replace("* 2", "* 3"), 2)
    result = await run(client, {"uri": uri})
    assert "triple" in result["outputs"][0]["columns"]
    assert result["script"] == str(workspace / "unsaved.py")


async def test_failure_becomes_a_diagnostic_until_the_script_changes(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "failing.py", FAILING)
    result = await run(client, {"uri": uri})
    assert not result["ok"] and result["error"]["exception"] == "ZeroDivisionError"
    found = await diagnostics_of(client, uri, lambda d: any(x.source == "azml run" for x in d))
    failure = next(d for d in found if d.source == "azml run")
    assert failure.range.start.line == 2
    assert "ZeroDivisionError" in failure.message
    replace_text(client, uri, FAILING.replace("total / 0", "dataframe1,"), 2)
    await diagnostics_of(client, uri, lambda d: not any(x.source == "azml run" for x in d))


async def test_bad_argument_is_a_clear_error(client: LanguageClient, workspace: Path) -> None:
    with pytest.raises(JsonRpcException, match="dataset9"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                "azml.run", [{"uri": (workspace / "double.py").as_uri(), "dataset9": "x"}]
            )
        )


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def _started(pid_file: Path) -> int:
    await wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), timeout=60)
    return int(pid_file.read_text())


async def test_cancel_request_stops_the_run(client: LanguageClient, workspace: Path) -> None:
    pid_file = workspace / "cancel_request.pid"
    uri = open_script(client, workspace / "sleep_a.py", SLEEPING.format(pid_file=str(pid_file)))
    params = types.ExecuteCommandParams("azml.run", [{"uri": uri}])
    pending = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.WORKSPACE_EXECUTE_COMMAND, params, msg_id="run-to-cancel"
        )
    )
    pid = await _started(pid_file)
    client.protocol.notify("$/cancelRequest", types.CancelParams(id="run-to-cancel"))
    with pytest.raises(JsonRpcException):
        await asyncio.wait_for(pending, 30)
    await wait_for(lambda: _gone(pid), timeout=15)


async def test_progress_cancel_stops_the_run(client: LanguageClient, workspace: Path) -> None:
    pid_file = workspace / "progress_cancel.pid"
    uri = open_script(client, workspace / "sleep_b.py", SLEEPING.format(pid_file=str(pid_file)))
    running = asyncio.ensure_future(run(client, {"uri": uri}, token="run-to-stop"))
    pid = await _started(pid_file)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams("run-to-stop"))
    result = await asyncio.wait_for(running, 30)
    assert not result["ok"] and result["error"]["kind"] == "cancelled"
    await wait_for(lambda: _gone(pid), timeout=15)


async def test_a_run_does_not_block_completion(client: LanguageClient, workspace: Path) -> None:
    pid_file = workspace / "concurrent.pid"
    uri = open_script(client, workspace / "sleep_c.py", SLEEPING.format(pid_file=str(pid_file)))
    running = asyncio.ensure_future(run(client, {"uri": uri}, token="run-in-background"))
    await _started(pid_file)
    text = "def azureml_main(df):\n    df.\n"
    other = open_script(client, workspace / "typing.py", text)
    result = await asyncio.wait_for(
        client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(other), types.Position(1, 7))
        ),
        10,
    )
    assert isinstance(result, types.CompletionList) and "groupby" in {i.label for i in result.items}
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams("run-in-background"))
    assert (await asyncio.wait_for(running, 30))["error"]["kind"] == "cancelled"
