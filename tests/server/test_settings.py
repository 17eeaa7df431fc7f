"""Server settings from initializationOptions and didChangeConfiguration; script headers win."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from azml_lsp.contract import Dialect, port_of_parameter
from tests.server.conftest import (
    codes,
    diagnostics_of,
    open_script,
    position_of,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

BARE = "def azureml_main(frame=None, other=None):\n    return frame\n"
COMPLETE = "def azureml_main(frame=None, other=None):\n    frame.\n"


INITIALIZATION_OPTIONS = {"azml": {"dialect": "classic"}}


async def hover_text(client: LanguageClient, uri: str, position: types.Position) -> str:
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), position)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


def bare_return_code() -> str:
    from azml_lsp.checker import CheckConfig, check_source

    (finding,) = check_source(
        BARE.replace("    frame.\n", ""), None, CheckConfig(dialect=Dialect.CLASSIC)
    )
    return finding.code


async def change_dialect(client: LanguageClient, dialect: str) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"azml": {"dialect": dialect}})
    )


async def test_initialization_options_then_configuration_change(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "dialects.py", BARE)
    on_parameter = position_of(BARE, "def azureml_main(fr")
    assert port_of_parameter(Dialect.CLASSIC, 0) in await hover_text(client, uri, on_parameter)
    code = bare_return_code()
    await diagnostics_of(client, uri, lambda d: code in codes(d))
    incomplete = open_script(client, workspace / "complete.py", COMPLETE)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(incomplete), position_of(COMPLETE, "    frame.")
        )
    )
    assert isinstance(result, types.CompletionList) and "groupby" in {i.label for i in result.items}

    await change_dialect(client, "designer")
    await diagnostics_of(client, uri, lambda d: code not in codes(d))
    assert port_of_parameter(Dialect.DESIGNER, 0) in await hover_text(client, uri, on_parameter)
    await change_dialect(client, "classic")
    await diagnostics_of(client, uri, lambda d: code in codes(d))


async def test_script_header_wins_over_server_settings(
    client: LanguageClient, workspace: Path
) -> None:
    text = "# azml: dialect=designer\n" + BARE
    uri = open_script(client, workspace / "header.py", text)
    on_parameter = position_of(text, "def azureml_main(fr")
    assert port_of_parameter(Dialect.DESIGNER, 0) in await hover_text(client, uri, on_parameter)


async def test_pyproject_table_sets_the_dialect(client: LanguageClient, workspace: Path) -> None:
    project = workspace / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.azml]\ndialect = "designer"\n')
    uri = open_script(client, project / "in_project.py", BARE)
    on_parameter = position_of(BARE, "def azureml_main(fr")
    assert port_of_parameter(Dialect.DESIGNER, 0) in await hover_text(client, uri, on_parameter)


async def test_bad_configuration_is_reported(client: LanguageClient) -> None:
    await change_dialect(client, "studio")

    def reported() -> bool:
        return any("studio" in m.message for m in client.messages)

    from tests.server.conftest import wait_for

    await wait_for(reported)
    await change_dialect(client, "classic")


async def test_target_python_from_configuration(client: LanguageClient, workspace: Path) -> None:
    from azml_lsp.checker import CheckConfig, check_source

    text = 'def azureml_main(frame=None, other=None):\n    label = f"{frame}"\n    return frame,\n'
    old = check_source(text, None, CheckConfig(dialect=Dialect.DESIGNER, target_python="3.5"))
    assert old and not check_source(
        text, None, CheckConfig(dialect=Dialect.DESIGNER, target_python="3.6")
    )
    code = old[0].code
    uri = open_script(client, workspace / "fstring.py", text)
    settings = {"azml": {"dialect": "designer", "targetPython": "3.5"}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    await diagnostics_of(client, uri, lambda d: code in codes(d))
    settings = {"azml": {"targetPython": "3.6"}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    await diagnostics_of(client, uri, lambda d: code not in codes(d))
    settings = {"azml": {"dialect": "classic", "targetPython": None}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))


@pytest.mark.parametrize(
    "python", [sys.executable, "/nonexistent/bin/python"], ids=["real", "missing"]
)
async def test_completion_with_a_configured_interpreter(
    client: LanguageClient, workspace: Path, python: str
) -> None:
    text = "import os\n\n\ndef azureml_main(frame=None):\n    os.pa\n"
    uri = open_script(client, workspace / f"interpreter_{len(python)}.py", text)
    settings = {"azml": {"python": python}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    try:
        result = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri), position_of(text, "os.pa"))
        )
        assert isinstance(result, types.CompletionList) and "path" in {
            i.label for i in result.items
        }
    finally:
        reset = {"azml": {"python": None}}
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=reset)
        )
