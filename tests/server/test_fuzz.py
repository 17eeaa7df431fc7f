"""Random edits and requests: every request is answered, the server survives, completion works."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import SERVER, initialize_params, position_of, replace_text

START = "import pandas as pd\n\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"
CHECK = "def azureml_main(dataframe1=None, dataframe2=None):\n    dataframe1.\n"
REQUEST_TIMEOUT_S = 30.0

texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("azml_()[]{}.:,=\"'#\\ \n\t\r")),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.sampled_from(["é", "€", "😀", "\U0001d518", "\u2028", "\x00", "\ufeff"]),
    ),
    max_size=40,
)
positions = st.builds(types.Position, line=st.integers(0, 30), character=st.integers(0, 120))
ranges = st.builds(types.Range, start=positions, end=positions)
edits = st.tuples(st.just("edit"), ranges, texts)
requests = st.tuples(
    st.sampled_from(
        [
            "completion",
            "hover",
            "signature",
            "definition",
            "references",
            "highlight",
            "symbols",
            "actions",
            "lens",
            "rename",
        ]
    ),
    positions,
    st.sampled_from(["renamed", "x1", "not valid", "ünïcode"]),
)
scripts = st.lists(st.one_of(edits, requests), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def session(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, LanguageClient, str]]:
    root = tmp_path_factory.mktemp("fuzz")
    path = root / "fuzzed.py"
    path.write_text(START, encoding="utf-8")
    loop = asyncio.new_event_loop()
    client: Any = loop.run_until_complete(SERVER.start())
    loop.run_until_complete(client.initialize_session(initialize_params(root)))
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, START))
    )
    yield loop, client, uri
    loop.run_until_complete(client.shutdown_session())
    loop.run_until_complete(client.stop())
    loop.close()


class Versions:
    value = 1

    @classmethod
    def next(cls) -> int:
        cls.value += 1
        return cls.value


async def _send(client: LanguageClient, uri: str, step: tuple[str, Any, Any]) -> None:
    kind, where, extra = step
    doc = types.TextDocumentIdentifier(uri)
    if kind == "edit":
        change = types.TextDocumentContentChangePartial(range=where, text=extra)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=Versions.next()), [change]
            )
        )
        return
    calls = {
        "completion": lambda: client.text_document_completion_async(
            types.CompletionParams(doc, where)
        ),
        "hover": lambda: client.text_document_hover_async(types.HoverParams(doc, where)),
        "signature": lambda: client.text_document_signature_help_async(
            types.SignatureHelpParams(doc, where)
        ),
        "definition": lambda: client.text_document_definition_async(
            types.DefinitionParams(doc, where)
        ),
        "references": lambda: client.text_document_references_async(
            types.ReferenceParams(
                context=types.ReferenceContext(True), text_document=doc, position=where
            )
        ),
        "highlight": lambda: client.text_document_document_highlight_async(
            types.DocumentHighlightParams(doc, where)
        ),
        "symbols": lambda: client.text_document_document_symbol_async(
            types.DocumentSymbolParams(doc)
        ),
        "actions": lambda: client.text_document_code_action_async(
            types.CodeActionParams(
                doc, types.Range(where, where), types.CodeActionContext(diagnostics=[])
            )
        ),
        "lens": lambda: client.text_document_code_lens_async(types.CodeLensParams(doc)),
        "rename": lambda: client.text_document_rename_async(
            types.RenameParams(text_document=doc, position=where, new_name=extra)
        ),
    }
    try:
        await asyncio.wait_for(calls[kind](), REQUEST_TIMEOUT_S)
    except TimeoutError:
        raise AssertionError(
            f"{kind} at {where} was not answered within {REQUEST_TIMEOUT_S} s"
        ) from None
    except Exception as exc:  # an error response is an answer only for an invalid new name
        if kind != "rename" or extra.isidentifier():
            raise AssertionError(f"{kind} at {where} failed: {exc}") from exc


@settings(
    max_examples=int(os.environ.get("AZML_FUZZ_SESSIONS", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(script=scripts)
def test_random_edits_and_requests(
    session: tuple[asyncio.AbstractEventLoop, LanguageClient, str], script: list[Any]
) -> None:
    loop, client, uri = session

    async def play() -> None:
        replace_text(client, uri, START, Versions.next())
        for step in script:
            await _send(client, uri, step)

    loop.run_until_complete(play())
    assert client.error is None


def test_completion_still_works_after_fuzzing(
    session: tuple[asyncio.AbstractEventLoop, LanguageClient, str],
) -> None:
    loop, client, uri = session

    async def complete() -> list[str]:
        replace_text(client, uri, CHECK, Versions.next())
        result = await client.text_document_completion_async(
            types.CompletionParams(
                types.TextDocumentIdentifier(uri), position_of(CHECK, "dataframe1.")
            )
        )
        assert isinstance(result, types.CompletionList)
        return [item.label for item in result.items]

    assert "groupby" in loop.run_until_complete(complete())
    assert Path(uri.removeprefix("file://")).exists()
