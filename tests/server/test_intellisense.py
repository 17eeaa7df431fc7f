"""IntelliSense over stdio: completion, hover, signatures, navigation, symbols, rename, bundles."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from azml_lsp.contract import Dialect, port_of_parameter
from tests.server.conftest import open_script, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRIPT = """import pandas as pd


def scale(frame, factor=2):
    \"\"\"Multiply every number.\"\"\"
    return frame * factor


def azureml_main(left=None, right=None):
    merged = left.merge(right, on="key")
    scaled = scale(merged, )
    return scaled,
"""


def prepare_workspace(root: Path) -> None:
    lib = root / "lib"
    lib.mkdir()
    (lib / "helpers.py").write_text(
        'def clean(frame):\n    """Drop empty rows."""\n    return frame.dropna()\n'
    )
    with zipfile.ZipFile(root / "bundle.zip", "w") as archive:
        archive.writestr(
            "zipped_tools.py",
            'def summarise(frame):\n    """Describe a frame."""\n    return frame.describe()\n',
        )


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri)


async def complete(client: LanguageClient, uri: str, position: types.Position) -> list[str]:
    result = await client.text_document_completion_async(types.CompletionParams(doc(uri), position))
    items = result.items if isinstance(result, types.CompletionList) else result or []
    return [item.label for item in items]


@pytest.mark.parametrize(
    "signature",
    ["dataframe1=None, dataframe2=None", "df", "frame_a, frame_b", "x=None, *rest"],
)
async def test_first_parameters_complete_as_dataframes(
    client: LanguageClient, workspace: Path, signature: str
) -> None:
    first = signature.split(",")[0].split("=")[0].strip()
    text = f"def azureml_main({signature}):\n    {first}.\n"
    uri = open_script(client, workspace / f"complete_{first}.py", text)
    labels = await complete(client, uri, position_of(text, f"    {first}."))
    assert {"groupby", "merge"} <= set(labels)
    assert not any(label.startswith("_azml") for label in labels)


async def test_second_parameter_is_a_dataframe_too(client: LanguageClient, workspace: Path) -> None:
    text = "def azureml_main(a=None, b=None):\n    b.\n"
    uri = open_script(client, workspace / "second.py", text)
    assert "pivot_table" in await complete(client, uri, position_of(text, "    b."))


async def test_third_parameter_is_not(client: LanguageClient, workspace: Path) -> None:
    text = "def azureml_main(a, b, c):\n    c.\n"
    uri = open_script(client, workspace / "third.py", text)
    assert "groupby" not in await complete(client, uri, position_of(text, "    c."))


@pytest.mark.parametrize(
    "rebinding", ["df = 3", "df, other = 3, 4", "for df in range(3):\n        pass"]
)
async def test_a_rebound_parameter_is_inferred_again(
    client: LanguageClient, workspace: Path, rebinding: str
) -> None:
    text = f"def azureml_main(df=None):\n    {rebinding}\n    df.\n"
    uri = open_script(client, workspace / f"rebound_{abs(hash(rebinding))}.py", text)
    labels = await complete(client, uri, position_of(text, "    df."))
    assert "groupby" not in labels
    assert "bit_length" in labels


async def test_completion_in_strings_and_comments_is_not_a_frame(
    client: LanguageClient, workspace: Path
) -> None:
    text = 'def azureml_main(df=None):\n    text = "df.\n    # df.\n'
    uri = open_script(client, workspace / "in_string.py", text)
    assert "groupby" not in await complete(client, uri, position_of(text, '"df.'))
    assert "groupby" not in await complete(client, uri, position_of(text, "# df."))


async def test_completion_resolve_adds_signature_and_docs(
    client: LanguageClient, workspace: Path
) -> None:
    text = "def azureml_main(df):\n    df.\n"
    uri = open_script(client, workspace / "resolve.py", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(doc(uri), position_of(text, "    df."))
    )
    assert isinstance(result, types.CompletionList)
    merge = next(item for item in result.items if item.label == "merge")
    assert merge.documentation is None
    resolved = await client.completion_item_resolve_async(merge)
    assert resolved.detail and resolved.detail.startswith("merge(")
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "join" in resolved.documentation.value


async def test_hover_names_the_port_of_each_parameter(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "hover.py", SCRIPT)
    for index, needle in enumerate(("def azureml_main(le", "right=None")):
        position = position_of(SCRIPT, needle, offset=-8 if index else 0)
        hover = await client.text_document_hover_async(types.HoverParams(doc(uri), position))
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert port_of_parameter(Dialect.DESIGNER, index) in hover.contents.value
        assert "DataFrame" in hover.contents.value


async def test_hover_on_a_use_of_the_parameter(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "hover_use.py", SCRIPT)
    hover = await client.text_document_hover_async(
        types.HoverParams(doc(uri), position_of(SCRIPT, "merged = le"))
    )
    assert hover is not None and port_of_parameter(Dialect.DESIGNER, 0) in str(hover.contents)


async def test_hover_on_a_function_shows_its_docstring(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "hover_fn.py", SCRIPT)
    hover = await client.text_document_hover_async(
        types.HoverParams(doc(uri), position_of(SCRIPT, "scaled = sca"))
    )
    assert hover is not None and "Multiply every number." in str(hover.contents)


async def test_signature_help(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "signature.py", SCRIPT)
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(doc(uri), position_of(SCRIPT, "scale(merged, "))
    )
    assert help_ is not None
    assert help_.signatures[0].label.startswith("scale(frame, factor=2)")
    assert help_.active_parameter == 1


async def test_definition_references_highlight(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "navigate.py", SCRIPT)
    use = position_of(SCRIPT, "scaled = sca")
    definitions = await client.text_document_definition_async(types.DefinitionParams(doc(uri), use))
    assert isinstance(definitions, list)
    assert [(d.uri, d.range.start.line) for d in definitions] == [(uri, 3)]
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=use,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None and sorted(r.range.start.line for r in refs) == [3, 10]
    marks = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(doc(uri), position_of(SCRIPT, "merged = le"))
    )
    assert marks is not None
    kinds = {(m.range.start.line, m.kind) for m in marks}
    assert (8, types.DocumentHighlightKind.Write) in kinds
    assert (9, types.DocumentHighlightKind.Read) in kinds


HELPERS = "".join(f"def helper_{i}(frame):\n    return frame.head({i})\n" for i in range(20_000))


async def test_a_local_name_in_a_long_script_is_found_in_its_function_only(
    client: LanguageClient, workspace: Path
) -> None:
    """``frame`` is a parameter of 20,000 helpers: highlight, references and rename of one of
    them touch its two occurrences (read from the syntax tree, not by inferring all 40,000)."""
    text = HELPERS + SCRIPT
    uri = open_script(client, workspace / "long.py", text)
    at = position_of(text, "def helper_123(fra")
    marks = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(doc(uri), at)
    )
    assert marks is not None
    assert sorted((m.range.start.line, m.range.start.character, m.kind) for m in marks) == [
        (246, 15, types.DocumentHighlightKind.Write),
        (247, 11, types.DocumentHighlightKind.Read),
    ]
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(uri),
            position=at,
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None and [(r.range.start.line, r.range.end.character) for r in refs] == [
        (247, 16)
    ]
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=doc(uri), position=at, new_name="table")
    )
    assert edit is not None and edit.changes is not None
    assert sorted(e.range.start.line for e in edit.changes[uri]) == [246, 247]


async def test_document_symbols(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "symbols.py", SCRIPT)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc(uri)))
    assert symbols is not None
    by_name = {s.name: s for s in symbols if isinstance(s, types.DocumentSymbol)}
    assert {"scale", "azureml_main"} <= set(by_name)
    main = by_name["azureml_main"]
    assert main.kind == types.SymbolKind.Function
    assert main.selection_range.start == types.Position(8, 4)
    assert {"left", "right", "merged", "scaled"} <= {c.name for c in main.children or []}


async def test_rename_a_parameter_keeps_the_annotation_out(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "rename.py", SCRIPT)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=doc(uri), position=position_of(SCRIPT, "merge(rig"), new_name="other"
        )
    )
    assert edit is not None and edit.changes is not None
    ranges = sorted((e.range.start.line, e.range.start.character) for e in edit.changes[uri])
    assert ranges == [(8, 28), (9, 24)]
    assert all(e.new_text == "other" for e in edit.changes[uri])


@pytest.mark.parametrize(
    ("bundle", "module", "function", "doc_line"),
    [
        ("lib", "helpers", "clean", "Drop empty rows."),
        ("bundle.zip", "zipped_tools", "summarise", "Describe a frame."),
    ],
    ids=["folder", "zip"],
)
async def test_bundle_modules_complete_hover_and_define(
    client: LanguageClient, workspace: Path, bundle: str, module: str, function: str, doc_line: str
) -> None:
    text = f"# azml: bundle={bundle}\nimport {module}\n\n\ndef azureml_main(df):\n    return {module}.{function}(df),\n"
    uri = open_script(client, workspace / f"with_{module}.py", text)
    assert function in await complete(client, uri, position_of(text, f"{module}."))
    on_use = position_of(text, f"{module}.{function[:2]}")
    found = await client.text_document_definition_async(types.DefinitionParams(doc(uri), on_use))
    assert isinstance(found, list) and found
    target = Path(found[0].uri.removeprefix("file://"))
    assert found[0].range.start == types.Position(0, 4)
    assert target.name == f"{module}.py" and function in target.read_text()
    if bundle.endswith(".zip"):
        assert not target.stat().st_mode & 0o222, "definitions in a zip open as a read-only copy"
    else:
        assert target == workspace / bundle / f"{module}.py", "folder bundles open the user's file"
    hover = await client.text_document_hover_async(types.HoverParams(doc(uri), on_use))
    assert hover is not None and doc_line in str(hover.contents)


BIG = "\n".join(f"def f{i}(a, b=1):\n    x = a + b\n    return x\n" for i in range(4000))


async def test_a_slow_request_does_not_delay_a_hover(
    client: LanguageClient, workspace: Path
) -> None:
    big = open_script(client, workspace / "big.py", BIG)
    small = open_script(client, workspace / "small.py", SCRIPT)
    slow = asyncio.ensure_future(
        client.text_document_document_symbol_async(types.DocumentSymbolParams(doc(big)))
    )
    await asyncio.sleep(0.05)
    hover = await client.text_document_hover_async(
        types.HoverParams(doc(small), position_of(SCRIPT, "scaled = sca"))
    )
    assert hover is not None and "Multiply every number." in str(hover.contents)
    assert not slow.done(), "the hover was answered while the slow request still ran"
    assert len(await slow or []) == 4000


async def test_cancelling_a_slow_request_answers_at_once(
    client: LanguageClient, workspace: Path
) -> None:
    loop = asyncio.get_running_loop()
    big = open_script(client, workspace / "big_cancel.py", BIG)
    params = types.DocumentSymbolParams(doc(big))
    started = loop.time()
    await client.text_document_document_symbol_async(params)
    full = loop.time() - started
    slow = asyncio.ensure_future(
        client.protocol.send_request_async(
            types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, params, msg_id="slow-symbols"
        )
    )
    await asyncio.sleep(0.05)
    cancelled_at = loop.time()
    client.protocol.notify("$/cancelRequest", types.CancelParams(id="slow-symbols"))
    with pytest.raises(JsonRpcException, match="cancel"):
        await slow
    assert loop.time() - cancelled_at < full / 2, "the cancellation waited for the work"


async def test_signature_help_of_a_frame_method(client: LanguageClient, workspace: Path) -> None:
    uri = open_script(client, workspace / "frame_signature.py", SCRIPT)
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(doc(uri), position_of(SCRIPT, "left.merge("))
    )
    assert help_ is not None and help_.signatures[0].label.startswith("merge(right")
    assert help_.active_parameter == 0
