"""``--sandbox strict`` for a run: the folders the sandbox allows, from the run's layout.

The sandbox itself is :mod:`azml_lsp.harness.sandbox`, the one implementation local runs and
twins share: it runs unchanged in whichever Python runs the script.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from azml_lsp.runtime.rundir import RunDir


def sandbox_folders(rundir: RunDir, readable: Iterable[str] = ()) -> dict[str, Any]:
    """What the sandbox of a run allows: its working directory, matplotlib's settings and a
    private temp folder for writes; the run's inputs (and the script) for reads."""
    tmp = rundir.root / "tmp"
    tmp.mkdir(exist_ok=True)
    return {
        "writable": [str(rundir.work), str(rundir.mpl_config), str(tmp)],
        "readable": list(readable),
        "home": str(Path.home()),
        "tmp": str(tmp),
    }


def install_sandbox(rundir: RunDir, readable: Iterable[str] = ()) -> None:
    """Start refusing in this process (a local run)."""
    from azml_lsp.harness import sandbox

    sandbox.install(**sandbox_folders(rundir, readable))


def lift_sandbox() -> None:
    """Stop refusing (the runtime writes the outputs after the call)."""
    from azml_lsp.harness import sandbox

    sandbox.lift()
