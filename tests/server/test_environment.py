"""The run environment setting (``env``) in the language server, where no twin needs to exist:
checks follow the declared twin's Python, lenses name it, bad values are clear errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.server.conftest import codes, diagnostics_of, open_script, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

PY2 = """# azml: dialect=classic{env}


def azureml_main(dataframe1=None, dataframe2=None):
    print "rows", len(dataframe1)
    return dataframe1,
"""
PRINT_STATEMENT = "AZ302"


async def test_a_declared_twin_sets_the_target_python_of_checks(
    client: LanguageClient, workspace: Path
) -> None:
    plain = open_script(client, workspace / "plain.py", PY2.format(env=""))
    await diagnostics_of(client, plain, lambda d: PRINT_STATEMENT in codes(d))
    twin = open_script(client, workspace / "twin.py", PY2.format(env=" env=classic-py27"))
    found = await diagnostics_of(client, twin, lambda d: True)
    assert PRINT_STATEMENT not in codes(found)
    checked = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("azml.check", [{"uri": twin}])
    )
    assert PRINT_STATEMENT not in {finding["code"] for finding in checked}


async def test_a_twin_alone_gives_its_dialect(client: LanguageClient, workspace: Path) -> None:
    text = PY2.replace("dialect=classic{env}", "env=classic-py27")
    uri = open_script(client, workspace / "twin_only.py", text)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert lenses is not None
    titles = [lens.command.title for lens in lenses if lens.command]
    assert any("classic, in classic-py27" in title for title in titles), titles
    assert any(t.startswith("Debug") and "in classic-py27" in t for t in titles), titles


async def test_an_editor_setting_names_the_environment_of_lenses(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "editor_env.py", PY2.format(env=""))
    settings = {"azml": {"env": "local"}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    try:

        async def titles() -> list[str]:
            lenses = await client.text_document_code_lens_async(
                types.CodeLensParams(types.TextDocumentIdentifier(uri))
            )
            return [lens.command.title for lens in lenses or [] if lens.command]

        found = await titles()
        for _ in range(50):  # the notification and the request race
            if any("in local" in title for title in found):
                break
            await asyncio.sleep(0.1)
            found = await titles()
        assert any("in local" in title for title in found), found
    finally:
        reset = {"azml": {"env": None}}
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=reset)
        )


async def test_an_unknown_twin_is_a_clear_run_error(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "unknown.py", PY2.format(env=""))
    result = await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams("azml.run", [{"uri": uri, "env": "no-such-twin"}])
        ),
        60,
    )
    assert not result["ok"] and result["error"]["kind"] == "input"
    assert "unknown twin 'no-such-twin'" in result["error"]["message"]


async def test_a_malformed_env_argument_is_invalid_params(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "malformed.py", PY2.format(env=""))
    with pytest.raises(JsonRpcException, match="field 'env'"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams("azml.run", [{"uri": uri, "env": "Not A Name"}])
        )


async def test_a_malformed_env_setting_is_reported(client: LanguageClient) -> None:
    settings = {"azml": {"env": "Not A Name"}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    await wait_for(lambda: any("azml.env" in m.message for m in client.messages))
