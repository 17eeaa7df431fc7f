"""The "Migrate script to designer" action and ``azml.migrateVerify``'s argument errors, over
real LSP; verification itself needs the twins (tests/twins/test_migrate_server.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.server.conftest import apply_edits, open_script
from tests.server.test_diagnostics_actions import edits_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

CLASSIC_PY2 = """# azml: dialect=classic
import pandas as pd


def azureml_main(frame1):
    print "rows:", len(frame1)
    best = frame1.sort('score', ascending=False)
    matrix = best.as_matrix(columns=['score'])
    best['ratio'] = matrix[:, 0] / len(best)
    return best
"""
DESIGNER = """# azml: dialect=designer
import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    return dataframe1.sort_values("score"),
"""


async def rewrite_actions(client: LanguageClient, uri: str) -> list[types.CodeAction]:
    whole = types.Range(types.Position(0, 0), types.Position(0, 0))
    context = types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor])
    result = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri), whole, context)
    )
    return [
        a
        for a in result or []
        if isinstance(a, types.CodeAction) and a.kind == types.CodeActionKind.RefactorRewrite
    ]


def cli_migration(folder: Path, text: str) -> str:
    """What ``azml migrate --to designer --write`` makes of ``text``."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "legacy.py"
    script.write_text(text)
    command = [sys.executable, "-m", "azml_lsp", "migrate", str(script), "--to", "designer",
               "--write"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return script.read_text()


async def test_classic_python2_script_is_offered_the_cli_migration(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "legacy.py", CLASSIC_PY2)
    (action,) = await rewrite_actions(client, uri)
    assert action.title.startswith("Migrate script to designer (")
    assert "places to check" in action.title
    migrated = apply_edits(CLASSIC_PY2, edits_of(action))
    assert migrated == cli_migration(workspace / "cli", CLASSIC_PY2)
    assert 'print("rows:", len(frame1))' in migrated and "as_matrix" not in migrated

    notes = action.diagnostics or []
    assert action.command is None
    assert {(d.code, d.source) for d in notes} == {("AZ701", "azml migrate")}
    assert notes[0].severity == types.DiagnosticSeverity.Information
    assert "left unchanged" in notes[0].message


async def test_clean_designer_script_is_not_offered_a_migration(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "current.py", DESIGNER)
    assert await rewrite_actions(client, uri) == []


async def test_quick_fix_only_requests_do_not_compute_the_migration(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "legacy_fixes.py", CLASSIC_PY2)
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert all(
        isinstance(a, types.CodeAction) and a.kind != types.CodeActionKind.RefactorRewrite
        for a in result or []
    )


@pytest.mark.parametrize(
    ("argument", "reason"),
    [
        ({}, "uri"),
        ({"uri": "untitled:Untitled-1"}, "file: URI"),
        ({"uri": "file:///nowhere/missing.py"}, "missing.py"),
        ({"uri": "file:///x.py", "dialect": "classic"}, "dialect"),
    ],
)
async def test_verify_with_bad_arguments_answers_a_clear_error(
    client: LanguageClient, argument: dict[str, str], reason: str
) -> None:
    params = types.ExecuteCommandParams("azml.migrateVerify", [argument])
    with pytest.raises(JsonRpcException, match=reason):
        await client.workspace_execute_command_async(params)


async def test_verify_of_a_script_that_cannot_be_migrated_answers_an_error(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "broken.py", "def azureml_main(:\n")
    params = types.ExecuteCommandParams("azml.migrateVerify", [{"uri": uri}])
    with pytest.raises(JsonRpcException, match=r"broken\.py"):
        await client.workspace_execute_command_async(params)
    assert await rewrite_actions(client, uri) == []


HEADERLESS = """import pandas as pd


def azureml_main(frame1, frame2):
    print "rows:", len(frame1)
    return frame1.assign(share=frame1['a'] / frame2['b'])
"""


async def test_listed_places_point_at_the_document_s_lines(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "headerless.py", HEADERLESS)
    (action,) = await rewrite_actions(client, uri)
    migrated = apply_edits(HEADERLESS, edits_of(action))
    assert migrated.startswith("# azml: dialect=designer env=designer\n")
    (note,) = [d for d in action.diagnostics or [] if d.code == "AZ701"]
    assert note.range.start.line == 5, "the division is on the document's sixth line"
    assert "line 7 of the migrated script" in note.message


async def test_verify_with_a_missing_declared_input_names_it_before_any_run(
    client: LanguageClient, workspace: Path
) -> None:
    text = CLASSIC_PY2.replace("dialect=classic", "dialect=classic dataset1=gone.csv")
    uri = open_script(client, workspace / "gone_input.py", text)
    params = types.ExecuteCommandParams("azml.migrateVerify", [{"uri": uri}])
    with pytest.raises(JsonRpcException, match=r"--dataset1: .*gone\.csv: file not found"):
        await client.workspace_execute_command_async(params)
    assert not (workspace / "azml-out" / "migrate-gone_input").exists()
