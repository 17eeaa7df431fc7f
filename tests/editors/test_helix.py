"""Helix: the server starts exactly as editors/helix/languages.toml configures it, and answers.

Helix is not in Debian 12's archive, so the editor itself is not driven here.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from tests.editors.harness import EDITORS_DIR, EXAMPLE_DIR, EXAMPLE_SCRIPT

LANGUAGES = EDITORS_DIR / "helix" / "languages.toml"


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return tomllib.loads(LANGUAGES.read_text())


def test_python_uses_the_azml_server(config: dict[str, Any]) -> None:
    python = [lang for lang in config["language"] if lang["name"] == "python"]
    assert len(python) == 1, f"{LANGUAGES}: one [[language]] named python expected"
    assert "azml" in python[0]["language-servers"]
    assert "azml" in config["language-server"]


async def test_configured_command_starts_a_server_that_hovers(
    config: dict[str, Any], tmp_path: Path
) -> None:
    server = config["language-server"]["azml"]
    program = shutil.which(server["command"])
    assert program, f"{server['command']!r} of {LANGUAGES} is not on PATH: pip install -e ."
    script = tmp_path / EXAMPLE_SCRIPT
    shutil.copytree(EXAMPLE_DIR, tmp_path, dirs_exist_ok=True)
    source = script.read_text()
    line_no, line = next((i, t) for i, t in enumerate(source.splitlines()) if "dataframe1.gr" in t)
    client = LanguageClient("helix-config-test", "1")
    await client.start_io(program, *server["args"], cwd=str(tmp_path))
    try:
        result = await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=tmp_path.as_uri(),
                initialization_options=server.get("config"),
            )
        )
        client.initialized(types.InitializedParams())
        assert result.capabilities.hover_provider
        assert result.capabilities.completion_provider
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(script.as_uri(), "python", 1, source)
            )
        )
        hover = await client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier(script.as_uri()),
                types.Position(line_no, line.index("groupby") + 2),
            )
        )
        assert hover is not None and "groupby" in str(hover.contents)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
