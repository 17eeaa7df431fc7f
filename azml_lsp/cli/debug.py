"""``azml debug``: run a script under debugpy and wait for an editor to attach."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from azml_lsp.cli.run import build_request, execute_and_report, run_options
from azml_lsp.runtime.model import DebugOptions


@click.command()
@run_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address debugpy listens on.")
@click.option("--port", type=int, default=5678, show_default=True, help="Port (0: any free port).")
def debug(script: Path, as_json: bool, host: str, port: int, **options: Any) -> None:
    """Run SCRIPT like `azml run`, under debugpy: attach your editor, then the script starts.

    Breakpoints in the script and in folder bundles hit (bundle modules keep their own paths).
    No timeout applies unless --timeout is given.
    """
    request = build_request(script, **options, debug=DebugOptions(host=host, port=port))
    execute_and_report(request, as_json)
