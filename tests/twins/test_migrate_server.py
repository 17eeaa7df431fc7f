"""``azml.migrateVerify`` over real LSP: the original in classic-py27, the migrated text in the
designer twin, with the script's declared inputs or the command's own."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pytest_lsp import LanguageClient

from tests.migrate.test_bundle_zip import MIGRATED_HELPERS, SCRIPT, make_zip
from tests.server.conftest import client, execute_command, open_script, workspace
from tests.twins.test_migrate import DIVISION, LEGACY

__all__ = ["client", "workspace"]  # the server tests' fixtures: one server for this module

pytestmark = pytest.mark.asyncio(loop_scope="module")


def prepare_workspace(root: Path) -> None:
    (root / "scores.csv").write_text("name,score\nann,7\nbob,9\ncy,4\n")


async def verify(client: LanguageClient, argument: dict[str, Any]) -> dict[str, Any]:
    return await execute_command(client, "azml.migrateVerify", argument, timeout=600)


async def test_verify_with_declared_inputs_is_equal_and_writes_the_report(
    client: LanguageClient, workspace: Path, classic_twin: str, designer_twin: str
) -> None:
    text = LEGACY.replace("env=classic-py27", "env=classic-py27 dataset1=scores.csv")
    uri = open_script(client, workspace / "legacy.py", text)
    result = await verify(client, {"uri": uri})
    assert result["equal"] is True, result["verdict"]
    assert (result["from"], result["to"]) == (classic_twin, designer_twin)
    assert result["comparison"]["envs"] == [classic_twin, designer_twin]
    assert Path(result["report"]).is_file()
    assert json.loads(Path(result["summary"]).read_text())["equal"] is True
    assert any(" AZ302 rewrote" in line for line in result["findings"])
    assert (workspace / "legacy.py").read_text() == text, "verifying changed the script"


async def test_verify_with_given_dataset_reports_the_division_difference(
    client: LanguageClient, workspace: Path, classic_twin: str, designer_twin: str
) -> None:
    uri = open_script(client, workspace / "halves.py", DIVISION)
    result = await verify(client, {"uri": uri, "dataset1": "scores.csv"})
    assert result["equal"] is False
    (port,) = result["comparison"]["ports"]
    assert port["cells"][0] == {"row": 0, "column": "half", "left": "3", "right": "3.5"}


async def test_verify_with_a_zip_bundle_runs_its_migrated_modules(
    client: LanguageClient, workspace: Path, classic_twin: str, designer_twin: str
) -> None:
    make_zip(workspace / "lib.zip")
    original = (workspace / "lib.zip").read_bytes()
    uri = open_script(client, workspace / "ranked.py", SCRIPT)
    result = await verify(client, {"uri": uri})
    assert result["equal"] is True, result["verdict"]
    migrated = Path(result["report"]).parent / "migrated" / "lib.zip"
    with zipfile.ZipFile(migrated) as zf:
        assert zf.read("helpers.py").decode() == MIGRATED_HELPERS
    assert (workspace / "lib.zip").read_bytes() == original
