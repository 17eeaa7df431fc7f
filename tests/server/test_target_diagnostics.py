"""Over LSP: the checker's findings on modules and members the target lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

from tests.checker.test_cli import PYTHON2_AND_PACKAGES
from tests.server.conftest import codes, diagnostics_of, open_script

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_python2_modules_members_and_packages_are_published(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "python2_packages.py", PYTHON2_AND_PACKAGES)
    wanted = {"AZ304", "AZ305", "AZ504"}
    found = await diagnostics_of(client, uri, lambda d: wanted <= set(codes(d)))
    lines = sorted((d.range.start.line + 1, d.code) for d in found if d.code in wanted)
    assert lines == [(1, "AZ305"), (2, "AZ504"), (6, "AZ304"), (7, "AZ304")]
