"""Shared fixtures: scripts on disk and a client talking to the real server over stdio."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

T = TypeVar("T")

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "azml_lsp", "lsp"])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A folder per test module; the module's ``prepare_workspace(root)`` fills it, if any."""
    root = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    prepare = getattr(request.module, "prepare_workspace", None)
    if prepare is not None:
        prepare(root)
    return root


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path, request: pytest.FixtureRequest):
    """One server per test module, initialized with the module's ``INITIALIZATION_OPTIONS``."""
    options = getattr(request.module, "INITIALIZATION_OPTIONS", None)
    await lsp_client.initialize_session(initialize_params(workspace, options))
    yield
    await lsp_client.shutdown_session()


def initialize_params(root: Path, options: dict[str, Any] | None = None) -> types.InitializeParams:
    """VS Code's capabilities, the workspace folder and the server's options."""
    return types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)],
        initialization_options=options or {},
    )


def open_script(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """Write ``text`` to ``path`` and open it in the server; returns its URI."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", version, text))
    )
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send a full-text change."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def position_of(text: str, needle: str, offset: int = 0) -> types.Position:
    """The position just after ``needle`` (plus ``offset``) in ``text`` (ASCII text)."""
    index = text.index(needle) + len(needle) + offset
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


async def wait_for(
    condition: Callable[[], T | None], timeout: float = 20.0, step: float = 0.02
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(step)


async def diagnostics_of(
    client: LanguageClient, uri: str, predicate: Callable[[list[types.Diagnostic]], bool]
) -> list[types.Diagnostic]:
    """Wait until the client holds diagnostics of ``uri`` satisfying ``predicate``."""

    def ready() -> list[types.Diagnostic] | None:
        found = client.diagnostics.get(uri)
        if found is not None and predicate(list(found)):
            return list(found) or [
                types.Diagnostic(types.Range(types.Position(0, 0), types.Position(0, 0)), "")
            ]
        return None

    await wait_for(ready)
    return list(client.diagnostics.get(uri, []))


Waiter = Callable[[], Awaitable[None]]


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits to ASCII text (positions in characters of lines)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def codes(found: list[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in found}


async def execute_command(
    client: LanguageClient, command: str, argument: dict[str, Any], timeout: float = 180
) -> dict[str, Any]:
    """The server's answer to ``workspace/executeCommand`` of ``command`` with one argument."""
    params = types.ExecuteCommandParams(command, [argument])
    result = await asyncio.wait_for(client.workspace_execute_command_async(params), timeout)
    assert isinstance(result, dict)
    return result
