"""Random sessions against the real server: edits at random and invalid positions (non-ASCII,
UTF-16 surrogates), requests awaited, racing later edits or cancelled, on small and 100k-line
documents. Every request is answered, the server survives, and the last diagnostics published
are those of the last version, never older ones.

``AZML_FUZZ_SESSIONS`` (30 here) and ``AZML_FUZZ_BIG_SESSIONS`` (2 here) scale the sessions;
``benchmarks/lsp_fuzz.py`` runs 10,000.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from azml_lsp.checker import check_source
from tests.server.conftest import SERVER, initialize_params, position_of, replace_text

START = "import pandas as pd\n\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"
CHECK = "def azureml_main(dataframe1=None, dataframe2=None):\n    dataframe1.\n"
BIG_LINES = 100_000
PROBES = (
    START,
    "import pandas as pd\n\n\ndef main(dataframe1=None):\n    return dataframe1,\n",
    "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1\n",
    "def azureml_main(dataframe1=None, dataframe2=None)\n    return dataframe1,\n",
)
"""Texts a session ends with; their findings differ, so stale diagnostics cannot pass for them."""
REQUEST_TIMEOUT_S = 30.0
BIG_REQUEST_TIMEOUT_S = 180.0

texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("azml_()[]{}.:,=\"'#\\ \n\t\r")),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.sampled_from(["é", "€", "😀", "\U0001d518", "\u2028", "\x00", "\ufeff"]),
    ),
    max_size=40,
)
KINDS = (
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
)
MODES = ("await", "race", "cancel")


def sessions(max_line: int) -> st.SearchStrategy[tuple[int, list[Any]]]:
    """A probe to end with, and steps: edits and requests (awaited, racing, cancelled)."""
    positions = st.builds(
        types.Position,
        line=st.one_of(st.integers(0, 30), st.integers(0, max_line)),
        character=st.integers(0, 120),
    )
    ranges = st.builds(types.Range, start=positions, end=positions)
    edits = st.tuples(st.just("edit"), ranges, texts, st.just("await"))
    requests = st.tuples(
        st.sampled_from(KINDS),
        positions,
        st.sampled_from(["renamed", "x1", "not valid", "ünïcode"]),
        st.sampled_from(MODES),
    )
    steps = st.lists(st.one_of(edits, requests), min_size=1, max_size=12)
    return st.tuples(st.integers(0, len(PROBES) - 1), steps)


@cache
def big_document() -> str:
    """A script of :data:`BIG_LINES` lines: helpers, then the entry point."""
    helpers = "".join(
        f"def helper_{i}(frame):\n    return frame.head({i})\n" for i in range(BIG_LINES // 2)
    )
    return helpers + START


@dataclass
class Session:
    """One server for all sessions, the diagnostics it published, and counts of what was sent."""

    loop: asyncio.AbstractEventLoop
    client: LanguageClient
    root: Path
    published: list[tuple[str, int | None, list[str]]] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=itertools.count)
    counts: Counter[str] = field(default_factory=Counter)

    def new_uri(self) -> str:
        return (self.root / f"fuzzed_{next(self.ids)}.py").as_uri()

    @property
    def server_pid(self) -> int:
        return int(self.client._server.pid)  # type: ignore[attr-defined]


@contextlib.contextmanager
def fuzz_server(root: Path) -> Iterator[Session]:
    """A real server, initialized on ``root``, that records every diagnostics notification."""
    loop = asyncio.new_event_loop()
    client: Any = loop.run_until_complete(SERVER.start())
    state = Session(loop, client, root)
    features = client.protocol.fm.features
    keep = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        state.published.append(
            (params.uri, params.version, sorted(str(d.code) for d in params.diagnostics))
        )
        keep(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    try:
        loop.run_until_complete(client.initialize_session(initialize_params(root)))
        yield state
        loop.run_until_complete(client.shutdown_session())
    finally:
        loop.run_until_complete(client.stop())
        loop.close()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    with fuzz_server(tmp_path_factory.mktemp("fuzz")) as state:
        yield state


def _params(kind: str, uri: str, where: types.Position, extra: str) -> tuple[str, Any]:
    doc = types.TextDocumentIdentifier(uri)
    at = types.Range(where, where)
    made: dict[str, tuple[str, Any]] = {
        "completion": (types.TEXT_DOCUMENT_COMPLETION, types.CompletionParams(doc, where)),
        "hover": (types.TEXT_DOCUMENT_HOVER, types.HoverParams(doc, where)),
        "signature": (types.TEXT_DOCUMENT_SIGNATURE_HELP, types.SignatureHelpParams(doc, where)),
        "definition": (types.TEXT_DOCUMENT_DEFINITION, types.DefinitionParams(doc, where)),
        "references": (
            types.TEXT_DOCUMENT_REFERENCES,
            types.ReferenceParams(
                context=types.ReferenceContext(True), text_document=doc, position=where
            ),
        ),
        "highlight": (
            types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
            types.DocumentHighlightParams(doc, where),
        ),
        "symbols": (types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, types.DocumentSymbolParams(doc)),
        "actions": (
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionParams(doc, at, types.CodeActionContext(diagnostics=[])),
        ),
        "lens": (types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensParams(doc)),
        "rename": (
            types.TEXT_DOCUMENT_RENAME,
            types.RenameParams(text_document=doc, position=where, new_name=extra),
        ),
    }
    return made[kind]


@dataclass
class Sent:
    """A request on its way: what it was, and whether an error is an acceptable answer."""

    label: str
    future: Future[Any]
    may_fail: bool


async def _answer(state: Session, sent: Sent, timeout: float) -> None:
    try:
        await asyncio.wait_for(asyncio.wrap_future(sent.future), timeout)
        state.counts["answered with a result"] += 1
    except TimeoutError:
        raise AssertionError(f"{sent.label} was not answered within {timeout} s") from None
    except JsonRpcRequestCancelled:
        if "cancel" not in sent.label:
            raise AssertionError(f"{sent.label} was cancelled by the server") from None
        state.counts["answered as cancelled"] += 1
    except JsonRpcException as exc:
        if not sent.may_fail:
            raise AssertionError(f"{sent.label} failed: {exc}") from exc
        state.counts["answered with an error (invalid new name)"] += 1


async def play(state: Session, base: str, probe: int, steps: list[Any], timeout: float) -> None:
    """One session on a fresh document: the steps, then the probe text; checks the answers and
    the diagnostics, then closes the document."""
    client, uri = state.client, state.new_uri()
    version = 1
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", version, base))
    )
    pending: list[Sent] = []
    state.counts["sessions"] += 1
    for kind, where, extra, mode in steps:
        if kind == "edit":
            state.counts["edits"] += 1
            version += 1
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    [types.TextDocumentContentChangePartial(range=where, text=extra)],
                )
            )
            continue
        method, params = _params(kind, uri, where, extra)
        msg_id = f"{uri}#{len(pending)}"
        future = client.protocol.send_request(method, params, msg_id=msg_id)
        sent = Sent(
            f"{kind} at {where} ({mode})", future, kind == "rename" and not extra.isidentifier()
        )
        state.counts[f"requests {mode}"] += 1
        if mode == "cancel":
            client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
        if mode == "await":
            await _answer(state, sent, timeout)
        else:
            pending.append(sent)
    for sent in pending:
        await _answer(state, sent, timeout)
    version += 1
    replace_text(client, uri, PROBES[probe], version)
    await _final_diagnostics(state, uri, version, PROBES[probe], timeout)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
    )
    state.published[:] = [entry for entry in state.published if entry[0] != uri]


async def _final_diagnostics(
    state: Session, uri: str, version: int, text: str, timeout: float
) -> None:
    """The diagnostics of ``version`` arrive with the checker's findings on ``text``, and nothing
    of an older version is published after them."""
    want = sorted(d.code for d in check_source(text))
    deadline = time.monotonic() + timeout
    while True:
        mine = [(at, v, found) for at, (u, v, found) in enumerate(state.published) if u == uri]
        final = [(at, found) for at, v, found in mine if v == version and found == want]
        if final:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"no diagnostics {want} for version {version}; published: {mine}")
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # anything still on its way from an older version
    first = final[0][0]
    later = [
        (v, found) for at, (u, v, found) in enumerate(state.published) if u == uri and at > first
    ]
    assert all(v == version for v, _ in later), (
        f"older diagnostics after version {version}: {later}"
    )
    state.counts["final diagnostics checked"] += 1


def _fuzz_settings(variable: str, default: str) -> Any:
    return settings(
        max_examples=int(os.environ.get(variable, default)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@_fuzz_settings("AZML_FUZZ_SESSIONS", "30")
@given(drawn=sessions(max_line=40))
def test_random_sessions(session: Session, drawn: tuple[int, list[Any]]) -> None:
    probe, steps = drawn
    session.loop.run_until_complete(play(session, START, probe, steps, REQUEST_TIMEOUT_S))
    assert session.client.error is None


@_fuzz_settings("AZML_FUZZ_BIG_SESSIONS", "2")
@given(drawn=sessions(max_line=BIG_LINES + 10))
def test_random_sessions_on_a_100k_line_document(
    session: Session, drawn: tuple[int, list[Any]]
) -> None:
    probe, steps = drawn
    session.loop.run_until_complete(
        play(session, big_document(), probe, steps, BIG_REQUEST_TIMEOUT_S)
    )
    assert session.client.error is None


def test_completion_still_works_after_fuzzing(session: Session) -> None:
    uri = session.new_uri()

    async def complete() -> list[str]:
        session.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, CHECK))
        )
        result = await session.client.text_document_completion_async(
            types.CompletionParams(
                types.TextDocumentIdentifier(uri), position_of(CHECK, "dataframe1.")
            )
        )
        assert isinstance(result, types.CompletionList)
        return [item.label for item in result.items]

    assert "groupby" in session.loop.run_until_complete(complete())
