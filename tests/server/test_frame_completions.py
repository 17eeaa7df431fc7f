"""Completions, resolve, hover and signature help on pandas members over LSP, for every shape a
frame comes from: contract parameters (annotated or not, rebound or not), derived frames and
helpers' results (in the script and in a Script Bundle)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import open_script, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEAD = """# azml: bundle=lib
import numpy as np
import pandas as pd
from tidy import tidy_frame


def clean_columns(df) -> pd.DataFrame:
    df.columns = [c.strip() for c in df.columns]
    return df


def count_rows(df):
    return len(df)


"""
PLAIN = "def azureml_main(dataframe1=None, dataframe2=None):\n"
ANNOTATED = "def azureml_main(dataframe1: pd.DataFrame = None, dataframe2: pd.DataFrame = None):\n"
REBOUND_AFTER = "    dataframe1 = clean_columns(dataframe1)\n    return dataframe1,\n"

FRAME = {"groupby", "merge", "drop_duplicates"}
SERIES = {"str", "value_counts", "map"}
GROUPBY = {"agg", "transform"}

CASES = {
    "unannotated": (PLAIN, "    x = dataframe1.", "", FRAME),
    "annotated": (ANNOTATED, "    x = dataframe2.", "", FRAME),
    "before rebinding": (ANNOTATED, "    x = dataframe1.", REBOUND_AFTER, FRAME),
    "after rebinding": (
        ANNOTATED,
        "    dataframe1 = clean_columns(dataframe1)\n    x = dataframe1.",
        "",
        FRAME,
    ),
    "copy": (PLAIN, "    copied = dataframe1.copy()\n    copied.", "", FRAME),
    "mask": (
        PLAIN,
        "    mask = dataframe1['a'] > 1\n    kept = dataframe1[mask]\n    kept.",
        "",
        FRAME,
    ),
    "columns": (PLAIN, "    few = dataframe1[['a', 'b']]\n    few.", "", FRAME),
    "column": (PLAIN, "    column = dataframe1['a']\n    column.", "", SERIES),
    "merge": (PLAIN, "    merged = dataframe1.merge(dataframe2, on='a')\n    merged.", "", FRAME),
    "groupby-agg": (
        PLAIN,
        "    totals = dataframe1.groupby('a').agg('sum')\n    totals.",
        "",
        FRAME,
    ),
    "groupby": (PLAIN, "    dataframe1.groupby('a').", "", GROUPBY),
    "concat": (PLAIN, "    both = pd.concat([dataframe1, dataframe2])\n    both.", "", FRAME),
    "read_csv": (PLAIN, "    read = pd.read_csv('a.csv')\n    read.", "", FRAME),
    "bundle helper": (PLAIN, "    tidied = tidy_frame(dataframe1)\n    tidied.", "", FRAME),
    "str accessor": (PLAIN, "    dataframe1['a'].str.", "", {"lower", "contains"}),
}


def prepare_workspace(root: Path) -> None:
    (root / "lib").mkdir()
    (root / "lib" / "tidy.py").write_text(
        "import pandas as pd\n\n\ndef tidy_frame(frame):\n    return pd.DataFrame(frame).dropna()\n"
    )


async def complete(client: LanguageClient, uri: str, text: str, needle: str) -> list[str]:
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), position_of(text, needle))
    )
    assert found is not None
    items = found.items if isinstance(found, types.CompletionList) else found
    return [item.label for item in items]


@pytest.mark.parametrize("shape", list(CASES))
async def test_each_shape_completes_its_class_members(
    client: LanguageClient, workspace: Path, shape: str
) -> None:
    signature, typed, after, expected = CASES[shape]
    text = HEAD + signature + typed + "\n" + (after or "    return dataframe1,\n")
    uri = open_script(client, workspace / f"{shape.replace(' ', '_')}.py", text)
    labels = await complete(client, uri, text, typed.rsplit("\n", 1)[-1])
    assert expected <= set(labels), (shape, labels[:20])


async def test_a_parameter_rebound_to_a_number_offers_no_frame_members(
    client: LanguageClient, workspace: Path
) -> None:
    text = HEAD + PLAIN + "    dataframe1 = 3\n    dataframe1.\n    return dataframe2,\n"
    uri = open_script(client, workspace / "number.py", text)
    labels = await complete(client, uri, text, "    dataframe1.")
    assert "bit_length" in labels
    assert not FRAME & set(labels)


async def test_a_helper_result_without_a_frame_offers_no_frame_members(
    client: LanguageClient, workspace: Path
) -> None:
    text = HEAD + PLAIN + "    rows = count_rows(dataframe1)\n    rows.\n    return dataframe1,\n"
    uri = open_script(client, workspace / "count.py", text)
    labels = await complete(client, uri, text, "    rows.")
    assert not FRAME & set(labels)


async def test_members_resolve_hover_and_signature_from_the_cache(
    client: LanguageClient, workspace: Path
) -> None:
    text = (
        HEAD + ANNOTATED + "    joined = dataframe1.merge(dataframe2, on='a')\n    return joined,\n"
    )
    uri = open_script(client, workspace / "docs.py", text)
    found = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(uri), position_of(text, "dataframe1.me")
        )
    )
    assert isinstance(found, types.CompletionList)
    merge = next(item for item in found.items if item.label == "merge")
    resolved = await client.completion_item_resolve_async(merge)
    assert resolved.detail is not None and resolved.detail.startswith("merge(right")
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "join" in resolved.documentation.value
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, "dataframe1.me"))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "merge(right" in hover.contents.value
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            types.TextDocumentIdentifier(uri), position_of(text, "merge(dataframe2, o")
        )
    )
    assert help_ is not None
    assert help_.signatures[0].label.startswith("merge(right")
    assert help_.active_parameter == 1


DESIGNER = """# azml: dialect=designer
import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    joined = dataframe1.merge(dataframe2)
    dataframe1.
    return dataframe1,
"""


async def test_members_are_checked_against_the_designer_surface(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "designer_target.py", DESIGNER)
    position = position_of(DESIGNER, "    dataframe1.")
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), position)
    )
    assert isinstance(found, types.CompletionList)
    items = {item.label: item for item in found.items}
    lacking = items["map"]  # pandas 2.1 added DataFrame.map; the designer's pandas lacks it
    assert list(lacking.tags or ()) == [types.CompletionItemTag.Deprecated]
    assert lacking.detail is not None and lacking.detail.startswith("not in pandas ")
    assert "(designer)" in lacking.detail
    assert not items["merge"].tags
    offered = items["append"]  # gone from this machine's pandas, present in the designer's
    resolved = await client.completion_item_resolve_async(offered)
    assert resolved.detail is not None and resolved.detail.startswith("append(other")
    assert {"ix", "as_matrix"} <= set(items)  # the designer has them; this pandas does not
    column = DESIGNER.replace("    dataframe1.\n", "    dataframe1['a'].\n")
    uri = open_script(client, workspace / "designer_series.py", column)
    found = await client.text_document_completion_async(
        types.CompletionParams(
            types.TextDocumentIdentifier(uri), position_of(column, "    dataframe1['a'].")
        )
    )
    assert isinstance(found, types.CompletionList)
    series = {item.label: item for item in found.items}
    assert list(series["case_when"].tags or ()) == [types.CompletionItemTag.Deprecated]
    assert not series["value_counts"].tags


async def designer_hover(
    client: LanguageClient, workspace: Path, line: str, needle: str
) -> tuple[str, str, str]:
    """The URI, text and hover text at ``needle`` of the designer script with ``line`` in place
    of the unfinished ``dataframe1.``."""
    text = DESIGNER.replace("    dataframe1.\n", line)
    uri = open_script(client, workspace / f"designer_hover_{len(line)}.py", text)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, needle))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return uri, text, hover.contents.value


async def test_hover_names_the_pandas_versions_that_have_a_member_or_function(
    client: LanguageClient, workspace: Path
) -> None:
    *_, shown = await designer_hover(client, workspace, "", "dataframe1.mer")
    assert "(classic-py27)" in shown and "(designer)" in shown
    line = "    both = pd.concat([dataframe1, joined])\n"
    *_, shown = await designer_hover(client, workspace, line, "pd.conc")
    assert "(pandas: in pandas 0.18.0 to " in shown


async def test_a_member_only_the_target_has_gets_its_hover_and_signature(
    client: LanguageClient, workspace: Path
) -> None:
    line = "    more = dataframe1.append(dataframe2, ignore_index=True)\n"
    uri, text, shown = await designer_hover(client, workspace, line, "dataframe1.app")
    assert "append(other" in shown and "In pandas 0.25.3 (designer)." in shown
    assert "in pandas 0.18.0 to 1.1.5; gone by " in shown  # the range, then each surface
    assert "pandas 0.18.0 (classic-py27)" in shown and "not in pandas 3" in shown
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            types.TextDocumentIdentifier(uri), position_of(text, "append(dataframe2, ig")
        )
    )
    assert help_ is not None and help_.signatures[0].label.startswith("append(other")
    assert help_.active_parameter == 1
