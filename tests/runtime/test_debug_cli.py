"""``azml debug``: debugpy listens, the editor attaches, breakpoints in the script and in a
folder bundle hit, and the run then finishes like ``azml run``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.runtime.conftest import write_script
from tests.server.dap import DapClient
from tests.server.test_debug import attach, stopped_at

SCRIPT = """
import helpers

def azureml_main(dataframe1=None, dataframe2=None):
    values = helpers.numbers()
    return dataframe1.assign(total=sum(values)),
"""


async def debug_session(
    tmp_path: Path, csv1: Path, source: str = SCRIPT, options: tuple[str, ...] = ()
) -> dict:
    """``azml debug`` of ``source`` (line 5 of it is a breakpoint) with a folder bundle whose
    helper has a breakpoint at line 3; both hit, then the run finishes. Returns its result."""
    (tmp_path / "lib").mkdir()
    helpers = tmp_path / "lib" / "helpers.py"
    helpers.write_text("def numbers():\n    values = [1, 2, 3]\n    return values\n")
    script = write_script(tmp_path, source)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "azml_lsp",
        "debug",
        str(script),
        "--port",
        "0",
        "--json",
        "--dataset1",
        str(csv1),
        "--bundle",
        str(tmp_path / "lib"),
        "--out",
        str(tmp_path / "out"),
        *options,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    announced = json.loads(await asyncio.wait_for(process.stderr.readline(), 60))
    assert announced["event"] == "debug_listening" and announced["host"] == "127.0.0.1"
    dap = await DapClient.connect(announced["host"], announced["port"])
    try:
        await attach(dap, {helpers: [3], script: [5]})
        path, line, event = await stopped_at(dap)
        assert (Path(path).resolve(), line) == (helpers.resolve(), 3)
        await dap.request("continue", {"threadId": event["body"]["threadId"]})
        path, line, event = await stopped_at(dap)
        assert (Path(path).resolve(), line) == (script.resolve(), 5)
        await dap.request("continue", {"threadId": event["body"]["threadId"]})
        await dap.wait_event("terminated")
    finally:
        await dap.close()
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    return json.loads(out)


def test_breakpoints_hit_then_the_run_completes(tmp_path: Path, csv1: Path) -> None:
    result = asyncio.run(debug_session(tmp_path, csv1))
    assert result["ok"] is True
    assert result["outputs"][0]["columns"][-1] == "total"
