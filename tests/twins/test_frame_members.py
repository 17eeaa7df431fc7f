"""Frame completions under the designer twin come from the twin's pandas (0.25.3), read once
into the member cache, not from this machine's pandas."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from azml_lsp.checker.frame_flow import PandasClass
from azml_lsp.server.member_cache import MemberCache, twin_source
from tests.server.conftest import client, open_script, position_of, workspace

__all__ = ["client", "workspace"]  # the server tests' fixtures: one server for this module

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRIPT = """# azml: env={twin}
import pandas as pd


def azureml_main(dataframe1: pd.DataFrame = None, dataframe2=None):
    merged = dataframe1.merge(dataframe2, on="a")
    merged.
    return merged,
"""


async def items_at(
    client: LanguageClient, uri: str, text: str, needle: str
) -> dict[str, types.CompletionItem]:
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), position_of(text, needle))
    )
    assert isinstance(found, types.CompletionList)
    return {item.label: item for item in found.items}


def opened(client: LanguageClient, path: Path, template: str, twin: str) -> tuple[str, str]:
    """Open ``template`` declaring ``twin`` at ``path``: its URI and text."""
    text = template.format(twin=twin)
    return open_script(client, path, text), text


def described(item: types.CompletionItem) -> str | None:
    return item.label_details.description if item.label_details else None


async def test_completions_under_the_designer_twin_are_its_pandas(
    client: LanguageClient, workspace: Path, designer_twin: str
) -> None:
    uri, text = opened(client, workspace / "in_twin.py", SCRIPT, designer_twin)
    items = await items_at(client, uri, text, "    merged.")
    assert {"append", "ix", "merge"} <= set(items)  # both gone from pandas 2
    assert described(items["append"]) is None, "the twin's own member, not the surface's"
    assert "map" not in items  # added in pandas 2.1
    here, local = opened(client, workspace / "local.py", SCRIPT, "local")
    items = await items_at(client, here, local, "    merged.")
    # this machine's pandas lacks append: offered only from the designer's surface, so marked
    assert described(items["append"]) == "in pandas 0.25.3 (designer)"
    assert list(items["map"].tags or ()) == [types.CompletionItemTag.Deprecated]


async def test_the_twin_members_are_read_once_into_the_cache(designer_twin: str) -> None:
    source = twin_source(designer_twin)
    assert source is not None
    members = MemberCache().members(source, PandasClass.DATAFRAME)
    assert members is not None and any(m.name == "append" for m in members)
    assert source.file.is_file()
    assert ("pandas", "0.25.3") in source.versions


MODULE_SCRIPT = """# azml: env={twin}
import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    pd.
    frame = pd.read_csv("a.csv")
    return frame,
"""


async def test_module_completion_and_hover_under_the_twin_read_its_pandas(
    client: LanguageClient, workspace: Path, designer_twin: str
) -> None:
    uri, text = opened(client, workspace / "module_in_twin.py", MODULE_SCRIPT, designer_twin)
    items = await items_at(client, uri, text, "    pd.")
    assert {"Panel", "read_csv"} <= set(items)  # pd.Panel: gone since pandas 1.0
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, "pd.read_c"))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    shown = hover.contents.value
    assert "parser_f(" in shown, shown  # how pandas 0.25 made read_csv
    assert "dtype_backend" not in shown and "storage_options" not in shown  # pandas 2.0, 1.2
    here, local = opened(client, workspace / "module_local.py", MODULE_SCRIPT, "local")
    items = await items_at(client, here, local, "    pd.")
    assert "read_csv" in items and "Panel" not in items


CALL_SCRIPT = """# azml: env={twin}
import pandas as pd


def azureml_main(dataframe1: pd.DataFrame = None, dataframe2=None):
    ordered = dataframe1.sort_values("a", ascending=True)
    frame = pd.read_csv("a.csv", sep=",")
    return frame,
"""


async def signature_at(client: LanguageClient, uri: str, text: str, needle: str) -> str:
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(types.TextDocumentIdentifier(uri), position_of(text, needle))
    )
    assert help_ is not None and help_.signatures, needle
    return help_.signatures[0].label


async def test_signature_help_under_the_twin_is_its_pandas(
    client: LanguageClient, workspace: Path, designer_twin: str
) -> None:
    uri, text = opened(client, workspace / "calls_in_twin.py", CALL_SCRIPT, designer_twin)
    method = await signature_at(client, uri, text, 'sort_values("a", asc')
    assert method.startswith("sort_values(") and "key" not in method  # `key=`: pandas 1.1
    function = await signature_at(client, uri, text, 'read_csv("a.csv", se')
    assert "filepath_or_buffer" in function and "storage_options" not in function
    here, local = opened(client, workspace / "calls_local.py", CALL_SCRIPT, "local")
    assert "key" in await signature_at(client, here, local, 'sort_values("a", asc')
    assert "storage_options" in await signature_at(client, here, local, 'read_csv("a.csv", se')
