"""The server gives memory back once a long document closes (its parse trees are cyclic garbage,
and glibc keeps freed pages otherwise)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psutil
import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import open_script, position_of, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")

SMALL = "import pandas as pd\n\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"
LONG = (
    "".join(f"def helper_{i}(frame):\n    return frame.head({i})\n" for i in range(10_000)) + SMALL
)


def _server(client: LanguageClient) -> psutil.Process:
    return psutil.Process(client._server.pid)  # type: ignore[union-attr]


async def _open_and_close_long(client: LanguageClient, path: Path) -> None:
    """Open the long script, hover in it, get its full check's code actions, close it."""
    document = types.TextDocumentIdentifier(open_script(client, path, LONG))
    await client.text_document_hover_async(
        types.HoverParams(document, position_of(LONG, "return frame.he"))
    )
    everywhere = types.Range(types.Position(0, 0), position_of(LONG, LONG[-10:]))
    await client.text_document_code_action_async(  # answered with the full check's findings
        types.CodeActionParams(document, everywhere, types.CodeActionContext(diagnostics=[]))
    )
    client.text_document_did_close(types.DidCloseTextDocumentParams(document))


async def _settled_rss(server: psutil.Process) -> int:
    """The server's RSS once it stops changing (the warm-up and earlier work are over)."""
    last = server.memory_info().rss
    for _ in range(60):
        await asyncio.sleep(1.0)
        now = server.memory_info().rss
        if abs(now - last) < 4 * 2**20:
            return int(now)
        last = now
    return int(last)


async def test_closing_a_long_document_gives_its_memory_back(
    client: LanguageClient, workspace: Path
) -> None:
    server = _server(client)
    await _open_and_close_long(client, workspace / "first.py")  # jedi's caches, the warm-up
    before = await _settled_rss(server)
    peak = before
    sampling = True

    async def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, server.memory_info().rss)
            await asyncio.sleep(0.05)

    sampler = asyncio.ensure_future(sample())
    await _open_and_close_long(client, workspace / "long.py")
    sampling = False
    await sampler
    assert peak - before > 50 * 2**20, "the long document should take memory while open"
    given_back = before + (peak - before) // 2
    await wait_for(lambda: server.memory_info().rss <= given_back, timeout=60, step=0.5)
