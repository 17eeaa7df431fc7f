"""The language server's Run, Debug and code lenses in the classic-py27 twin: the real server over
stdio, its warm worker forking the run's child, which starts the twin's Python 2.7."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import client, diagnostics_of, execute_command, open_script, workspace
from tests.server.dap import DapClient
from tests.server.test_debug import attach, stopped_at

__all__ = ["client", "workspace"]  # the server tests' fixtures: one server for this module

pytestmark = pytest.mark.asyncio(loop_scope="module")

TWIN = "classic-py27"
PY2_DIVISION = """# azml: dialect=classic env=classic-py27 dataset1=numbers.csv
import pandas as pd


def azureml_main(frame1):
    print "rows", len(frame1)
    halves = [int(value) / 2 for value in frame1["value"]]
    return frame1.assign(half=halves, pandas=pd.__version__),
"""
PY2_FAILING = """# azml: dialect=classic env=classic-py27 dataset1=numbers.csv


def azureml_main(frame1):
    print "about to divide"
    total = int(frame1["value"].sum())
    return total / 0
"""
PY2_NO_ENV = """# azml: dialect=classic dataset1=numbers.csv


def azureml_main(frame1):
    print "rows", len(frame1)
    return frame1,
"""


def prepare_workspace(root: Path) -> None:
    (root / "numbers.csv").write_text("key,value\na,1\nb,2\nc,5\n")


async def run(client: LanguageClient, argument: dict[str, Any]) -> dict[str, Any]:
    return await execute_command(client, "azml.run", argument)


def configure(client: LanguageClient, settings: dict[str, Any]) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"azml": settings})
    )


async def test_run_of_a_python2_script_happens_in_the_twin(
    client: LanguageClient, workspace: Path, classic_twin: str
) -> None:
    uri = open_script(client, workspace / "halves.py", PY2_DIVISION)
    result = await run(client, {"uri": uri})
    assert result["ok"], result["error"]
    assert result["environment"].startswith(f"{classic_twin} twin: Python 2.7")
    assert "rows 3" in result["stdout"]
    (table,) = result["outputs"]
    frame = pd.read_csv(table["path"])
    assert frame["half"].tolist() == [0, 1, 2]  # 5 / 2 is 2 on Python 2
    assert frame["pandas"].tolist() == ["0.18.1"] * 3


async def test_failing_line_of_a_twin_run_becomes_a_diagnostic(
    client: LanguageClient, workspace: Path, classic_twin: str
) -> None:
    uri = open_script(client, workspace / "failing_py2.py", PY2_FAILING)
    result = await run(client, {"uri": uri})
    assert not result["ok"] and result["error"]["exception"] == "ZeroDivisionError"
    assert result["error"]["line"] == 7
    assert result["environment"].startswith(f"{classic_twin} twin:")
    assert "about to divide" in result["stdout"]
    found = await diagnostics_of(client, uri, lambda d: any(x.source == "azml run" for x in d))
    failure = next(d for d in found if d.source == "azml run")
    assert failure.range.start.line == 6
    assert "ZeroDivisionError" in failure.message


async def test_the_env_argument_wins_over_the_header(
    client: LanguageClient, workspace: Path, classic_twin: str
) -> None:
    declared = open_script(client, workspace / "declared.py", PY2_DIVISION)
    local = await run(client, {"uri": declared, "env": "local"})
    assert not local["ok"] and local["environment"].startswith("local:")
    assert local["error"]["exception"] == "SyntaxError"  # a print statement under Python 3
    undeclared = open_script(client, workspace / "undeclared.py", PY2_NO_ENV)
    twin = await run(client, {"uri": undeclared, "env": classic_twin})
    assert twin["ok"], twin["error"]
    assert twin["environment"].startswith(f"{classic_twin} twin:")


async def test_editor_setting_applies_unless_the_script_says_otherwise(
    client: LanguageClient, workspace: Path, classic_twin: str
) -> None:
    # editors send the interpreter that runs the server as `python`: env wins over it
    configure(client, {"env": classic_twin, "python": sys.executable})
    try:
        uri = open_script(client, workspace / "from_editor.py", PY2_NO_ENV)
        result = await run(client, {"uri": uri})
        assert result["ok"], result["error"]
        assert result["environment"].startswith(f"{classic_twin} twin:")
        text = PY2_NO_ENV.replace("dialect=classic", "dialect=classic env=local")
        local = open_script(client, workspace / "header_local.py", text)
        result = await run(client, {"uri": local})
        assert result["environment"].startswith("local:")
    finally:
        configure(client, {"env": None, "python": None})


async def test_code_lens_names_the_twin_and_runs_in_it(
    client: LanguageClient, workspace: Path, classic_twin: str
) -> None:
    uri = open_script(client, workspace / "lensed.py", PY2_DIVISION)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert lenses is not None
    commands = {lens.command.command: lens.command for lens in lenses if lens.command}
    assert f"in {classic_twin}" in commands["azml.run"].title
    assert f"in {classic_twin}" in commands["azml.debug"].title
    result = await run(client, *(commands["azml.run"].arguments or []))
    assert result["ok"], result["error"]
    assert result["environment"].startswith(f"{classic_twin} twin:")


async def test_debug_in_the_twin_stops_at_a_breakpoint(
    client: LanguageClient, workspace: Path, classic_twin: str
) -> None:
    script = workspace / "debug_py2.py"
    uri = open_script(client, script, PY2_FAILING)
    address = await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams("azml.debug", [{"uri": uri}])
        ),
        120,
    )
    assert address["host"] == "127.0.0.1" and isinstance(address["port"], int)
    dap = await DapClient.connect(address["host"], address["port"])
    try:
        await attach(dap, {script: [6]})
        path, line, event = await stopped_at(dap)
        assert (Path(path).resolve(), line) == (script.resolve(), 6)
        await dap.request("continue", {"threadId": event["body"]["threadId"]})
    finally:
        await dap.close()
    found = await diagnostics_of(client, uri, lambda d: any(x.source == "azml run" for x in d))
    assert any("ZeroDivisionError" in d.message and d.range.start.line == 6 for d in found)
