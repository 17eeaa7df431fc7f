"""Diagnostics from the checker (appear, never stale, clear), quick fixes, lenses, azml.check."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from azml_lsp.checker import CheckConfig, check_source
from azml_lsp.contract import ENTRY_POINT, RECOMMENDED_SIGNATURE
from tests.server.conftest import (
    apply_edits,
    codes,
    diagnostics_of,
    open_script,
    replace_text,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

NO_ENTRY = "import pandas as pd\n\nresult = pd.DataFrame()\n"
VALID = f"{RECOMMENDED_SIGNATURE}\n    return dataframe1,\n"
PLOTTING = """

def azureml_main(dataframe1=None, dataframe2=None):
    plt.plot([1, 2])
    plt.savefig("plot.png")
    return dataframe1,
"""
BARE_CLASSIC = "# azml: dialect=classic\ndef azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1\n"


def missing_entry_code() -> str:
    (finding,) = check_source(NO_ENTRY, None, CheckConfig())
    return finding.code


async def quick_fixes(
    client: LanguageClient, uri: str, found: list[types.Diagnostic]
) -> list[types.CodeAction]:
    whole = types.Range(types.Position(0, 0), types.Position(50, 0))
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), whole, types.CodeActionContext(diagnostics=found)
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def edits_of(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes
    change = action.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    return [e for e in change.edits if isinstance(e, types.TextEdit)]


async def test_diagnostics_appear_and_clear(client: LanguageClient, workspace: Path) -> None:
    code = missing_entry_code()
    uri = open_script(client, workspace / "appear.py", NO_ENTRY)
    found = await diagnostics_of(client, uri, lambda d: code in codes(d))
    assert any(ENTRY_POINT in d.message for d in found)
    replace_text(client, uri, VALID, 2)
    await diagnostics_of(client, uri, lambda d: not d)


async def test_a_file_name_the_uri_encodes_gets_its_diagnostics(
    client: LanguageClient, workspace: Path
) -> None:
    """Editors percent-encode spaces and commas in URIs (``my%20script%2C%20v2.py``): the
    script is checked on open and on every change, and published under the client's URI."""
    code = missing_entry_code()
    uri = open_script(client, workspace / "my script, v2.py", NO_ENTRY)
    assert "%20" in uri and "%2C" in uri
    await diagnostics_of(client, uri, lambda d: code in codes(d))
    replace_text(client, uri, VALID, 2)
    await diagnostics_of(client, uri, lambda d: not d)
    replace_text(client, uri, NO_ENTRY, 3)
    await diagnostics_of(client, uri, lambda d: code in codes(d))


async def test_only_the_latest_version_is_published(
    client: LanguageClient, workspace: Path
) -> None:
    code = missing_entry_code()
    uri = open_script(client, workspace / "latest.py", VALID)
    await diagnostics_of(client, uri, lambda d: not d)
    for version in range(2, 30):
        replace_text(client, uri, NO_ENTRY if version % 2 else VALID, version)
    replace_text(client, uri, NO_ENTRY, 30)
    found = await diagnostics_of(client, uri, lambda d: code in codes(d))
    assert len(found) == 1


async def test_add_entry_point_quick_fix(client: LanguageClient, workspace: Path) -> None:
    code = missing_entry_code()
    uri = open_script(client, workspace / "add_entry.py", NO_ENTRY)
    found = await diagnostics_of(client, uri, lambda d: code in codes(d))
    actions = await quick_fixes(client, uri, found)
    (action,) = [a for a in actions if ENTRY_POINT in a.title]
    assert action.kind == types.CodeActionKind.QuickFix
    fixed = apply_edits(NO_ENTRY, edits_of(action))
    assert RECOMMENDED_SIGNATURE in fixed
    replace_text(client, uri, fixed, 2)
    await diagnostics_of(client, uri, lambda d: code not in codes(d))


async def test_wrap_return_in_tuple_quick_fix(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "wrap.py", BARE_CLASSIC)
    found = await diagnostics_of(client, uri, lambda d: bool(d))
    actions = await quick_fixes(client, uri, found)
    (action,) = [a for a in actions if "tuple" in a.title.lower()]
    fixed = apply_edits(BARE_CLASSIC, edits_of(action))
    assert "return dataframe1," in fixed
    replace_text(client, uri, fixed, 2)
    await diagnostics_of(client, uri, lambda d: not d)


async def test_bad_header_is_a_diagnostic_on_its_line(
    client: LanguageClient, workspace: Path
) -> None:
    text = f"# azml: dialect=studio\n{VALID}"
    uri = open_script(client, workspace / "bad_header.py", text)
    found = await diagnostics_of(client, uri, lambda d: any("dialect" in x.message for x in d))
    problem = next(d for d in found if "dialect" in d.message)
    assert problem.range.start.line == 0
    assert problem.severity == types.DiagnosticSeverity.Error


async def test_code_lens_shows_inputs(client: LanguageClient, workspace: Path) -> None:
    (workspace / "train.csv").write_text("a\n1\n")
    text = f"# azml: dataset1=train.csv\nimport pandas as pd\n\n\n{VALID}"
    uri = open_script(client, workspace / "lens.py", text)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert lenses is not None
    commands = {lens.command.command: lens for lens in lenses if lens.command}
    assert set(commands) == {"azml.run", "azml.debug"}
    for lens in commands.values():
        assert lens.range.start.line == 4
        assert lens.command is not None and "train.csv" in lens.command.title
        assert list(lens.command.arguments or []) == [{"uri": uri}]


async def test_no_code_lens_without_entry_point(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "no_lens.py", NO_ENTRY)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(uri))
    )
    assert not lenses


async def test_check_command_matches_the_checker(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "check_me.py"
    uri = open_script(client, path, BARE_CLASSIC)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams("azml.check", [{"uri": uri}])
    )
    expected = check_source(BARE_CLASSIC, str(path), CheckConfig.for_file(path, BARE_CLASSIC))
    assert result == [d.to_json() for d in expected]
    assert result


@pytest.mark.parametrize(
    "text",
    [
        "import matplotlib\nmatplotlib.use('TkAgg')\nimport matplotlib.pyplot as plt\n",
        "# azml: dialect=classic\nimport matplotlib.pyplot as plt\n",
    ],
    ids=["interactive-backend", "pyplot-first"],
)
async def test_switch_matplotlib_to_agg(client: LanguageClient, workspace: Path, text: str) -> None:
    from azml_lsp.checker.rules.runtime import PYPLOT_ORDER

    script = text + PLOTTING
    uri = open_script(client, workspace / f"agg_{abs(hash(text))}.py", script)
    found = await diagnostics_of(client, uri, lambda d: PYPLOT_ORDER.code in codes(d))
    actions = await quick_fixes(client, uri, found)
    (action,) = [a for a in actions if "Agg" in a.title]
    fixed = apply_edits(script, edits_of(action))
    assert 'matplotlib.use("Agg")' in fixed
    replace_text(client, uri, fixed, 2)
    await diagnostics_of(client, uri, lambda d: PYPLOT_ORDER.code not in codes(d))


async def test_check_command_names_a_missing_file(client: LanguageClient, workspace: Path) -> None:
    missing = workspace / "nowhere.py"
    with pytest.raises(JsonRpcException, match=r"nowhere\.py"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams("azml.check", [{"uri": missing.as_uri()}])
        )


async def test_a_bundle_helper_module_is_not_a_script(
    client: LanguageClient, workspace: Path
) -> None:
    folder = workspace / "bundled"
    (folder / "lib").mkdir(parents=True, exist_ok=True)
    (folder / "score.py").write_text(f"# azml: bundle=lib\nimport helpers\n\n{VALID}")
    helper = open_script(client, folder / "lib" / "helpers.py", NO_ENTRY + "x = 1\n")
    stray = open_script(client, folder / "stray.py", NO_ENTRY)
    missing = missing_entry_code()
    assert missing in codes(await diagnostics_of(client, stray, lambda d: bool(d)))
    found = await diagnostics_of(client, helper, lambda d: True)
    assert missing not in codes(found)
