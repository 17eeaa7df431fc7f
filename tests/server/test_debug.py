"""azml.debug: the editor attaches to debugpy and stops at breakpoints in the script and the bundle."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.server.conftest import diagnostics_of, open_script
from tests.server.dap import DapClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRIPT = """# azml: bundle=lib
import helpers


def azureml_main(dataframe1=None, dataframe2=None):
    values = helpers.numbers()
    total = sum(values)
    return total / 0
"""
HELPERS = """def numbers():
    values = [1, 2, 3]
    return values
"""


def prepare_workspace(root: Path) -> None:
    (root / "lib").mkdir()
    (root / "lib" / "helpers.py").write_text(HELPERS)


async def attach(dap: DapClient, breakpoints: dict[Path, list[int]]) -> None:
    """initialize, attach, setBreakpoints, configurationDone: what editors send."""
    await dap.request(
        "initialize",
        {
            "adapterID": "debugpy",
            "clientID": "azml-tests",
            "linesStartAt1": True,
            "pathFormat": "path",
        },
    )
    attached = dap.send("attach", {"justMyCode": True})
    await dap.wait_event("initialized")
    for path, lines in breakpoints.items():
        response = await dap.request(
            "setBreakpoints",
            {"source": {"path": str(path)}, "breakpoints": [{"line": n} for n in lines]},
        )
        assert all(b["verified"] for b in response["body"]["breakpoints"]), response
    await dap.request("configurationDone")
    await asyncio.wait_for(attached, 30)


async def stopped_at(dap: DapClient) -> tuple[str, int, dict[str, Any]]:
    event = await dap.wait_event("stopped", timeout=60)
    # startFrame as editors send it: the debugpy release for Python 2.7 needs it with levels
    arguments = {"threadId": event["body"]["threadId"], "startFrame": 0, "levels": 1}
    trace = await dap.request("stackTrace", arguments)
    frame = trace["body"]["stackFrames"][0]
    return frame["source"]["path"], frame["line"], event


async def test_breakpoints_hit_in_script_and_bundle(
    client: LanguageClient, workspace: Path
) -> None:
    script = workspace / "debug_me.py"
    uri = open_script(client, script, SCRIPT)
    address = await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams("azml.debug", [{"uri": uri}])
        ),
        60,
    )
    assert address["host"] == "127.0.0.1" and isinstance(address["port"], int)
    dap = await DapClient.connect(address["host"], address["port"])
    try:
        helpers = workspace / "lib" / "helpers.py"
        await attach(dap, {script: [7], helpers: [3]})
        path, line, event = await stopped_at(dap)
        assert (Path(path).resolve(), line) == (helpers.resolve(), 3)
        assert event["body"]["reason"] == "breakpoint"
        await dap.request("continue", {"threadId": event["body"]["threadId"]})
        path, line, event = await stopped_at(dap)
        assert (Path(path).resolve(), line) == (script.resolve(), 7)
        await dap.request("continue", {"threadId": event["body"]["threadId"]})
    finally:
        await dap.close()
    found = await diagnostics_of(client, uri, lambda d: any(x.source == "azml run" for x in d))
    assert any("ZeroDivisionError" in d.message and d.range.start.line == 7 for d in found)


async def test_debug_of_a_run_that_cannot_start_names_the_reason(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(
        client,
        workspace / "no_input.py",
        SCRIPT.replace("# azml: bundle=lib", "# azml: bundle=missing_lib"),
    )
    with pytest.raises(JsonRpcException, match="missing_lib"):
        await asyncio.wait_for(
            client.workspace_execute_command_async(
                types.ExecuteCommandParams("azml.debug", [{"uri": uri}])
            ),
            60,
        )
