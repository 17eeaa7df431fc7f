"""``azml`` run in a child process, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def azml(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azml_lsp", *map(str, args)],
        capture_output=True, text=True, timeout=600, cwd=cwd,
    )  # fmt: skip
