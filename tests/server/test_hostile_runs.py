"""Every hostile script of ``tests/hostile_scripts.py`` through the server's ``azml.run``: each
ends as its case says, the server keeps answering, and the probe run after it is unaffected."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psutil
import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.hostile_scripts import CASES, IDS, PROBE, PROBE_INPUT, PROBE_ROW, TIMEOUT_S, Hostile
from tests.server.conftest import open_script, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


def prepare_workspace(root: Path) -> None:
    (root / "numbers.csv").write_text(PROBE_INPUT, encoding="utf-8")


async def run(client: LanguageClient, uri: str) -> dict[str, Any]:
    params = types.ExecuteCommandParams("azml.run", [{"uri": uri}])
    result = await asyncio.wait_for(client.workspace_execute_command_async(params), 120)
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_hostile_run_then_a_normal_one(
    client: LanguageClient, workspace: Path, case: Hostile
) -> None:
    script = f"# azml: timeout={TIMEOUT_S}\n{case.script()}"
    result = await run(client, open_script(client, workspace / f"{case.name}.py", script))
    if case.kind is None:
        assert result["ok"], result["error"]
    else:
        assert not result["ok"] and result["error"]["kind"] == case.kind, result["error"]
        if case.exception:
            assert result["error"]["exception"] in case.exception, result["error"]
    assert result["duration_s"] < TIMEOUT_S + 15
    probe = f"# azml: dataset1=numbers.csv\n{PROBE}"
    after = await run(client, open_script(client, workspace / f"probe_{case.name}.py", probe))
    assert after["ok"], after["error"]
    (table,) = after["outputs"]
    assert dict(zip(table["columns"], table["head"][0], strict=True)) == PROBE_ROW
    assert client.error is None


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _workers_of(server_pid: int) -> list[psutil.Process]:
    """The server's live warm workers."""
    found = []
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if _alive(child) and "azml_lsp.runtime.processes.worker" in child.cmdline():
                found.append(child)
        except psutil.Error:
            continue
    return found


async def test_a_killed_warm_worker_is_replaced(client: LanguageClient, workspace: Path) -> None:
    probe = f"# azml: dataset1=numbers.csv\n{PROBE}"
    uri = open_script(client, workspace / "probe_worker.py", probe)
    assert (await run(client, uri))["ok"]
    server_pid = client._server.pid  # type: ignore[attr-defined]
    (worker,) = _workers_of(server_pid)
    worker.kill()
    await wait_for(lambda: not _alive(worker), timeout=10)
    after = await run(client, uri)
    assert after["ok"], after["error"]
    (replacement,) = _workers_of(server_pid)
    assert replacement.pid != worker.pid
