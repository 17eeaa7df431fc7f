"""A 5 GB CSV (``--gb``) through the runtime under its default memory cap, beside pandas reading
the same file under the same cap: outcome, time, peak memory, progress reports."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from azml_lsp.runtime.model import DEFAULT_MEMORY_MB
from tests.runtime_io.test_big_input import write_big_csv

AZML = """
import json, sys
from pathlib import Path
from tests.runtime_io.test_big_input import run_big

#: Measured on this machine's Python: created cloud twins must not change what is measured.
os.environ.setdefault("AZML_ENV", "local")
result, progress = run_big(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
error = result.error.message if result.error else None
print(json.dumps({"ok": result.ok, "error": error, "progress": len(progress)}))
"""
PANDAS = """
import json, resource, sys
cap = int(sys.argv[3]) << 20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
import pandas as pd
try:
    frame = pd.read_csv(sys.argv[2], engine="pyarrow")
    print(json.dumps({"ok": True, "error": None, "progress": 0, "rows": len(frame)}))
except Exception as exc:
    print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:160], "progress": 0}))
"""


def measure(code: str, folder: Path, data: Path, memory_mb: int) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; its answer, wall time and peak RSS (with children)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(folder), str(data), str(memory_mb)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    figures: dict[str, Any] = {"ok": False, "progress": 0}
    if output:
        figures.update(json.loads(output))
    else:
        figures["error"] = f"the process died (exit status {process.returncode})"
    figures["seconds"] = time.perf_counter() - started
    figures["peak_mib"] = usage.ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=5.0)
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="azml-big-") as name:
        folder = Path(name)
        data = folder / "big.csv"
        started = time.perf_counter()
        rows = write_big_csv(data, int(args.gb * (1 << 30)))
        size = data.stat().st_size
        print(
            f"file                 {size / (1 << 30):.2f} GiB, {rows:,} rows, written in "
            f"{time.perf_counter() - started:.0f} s; memory cap {args.memory_mb} MB"
        )
        for name, code in (("azml runtime", AZML), ("pandas+pyarrow", PANDAS)):
            figures = measure(code, folder, data, args.memory_mb)
            outcome = "loaded" if figures["ok"] else "refused"
            print(
                f"{name:<20} {outcome:<8} {figures['seconds']:>7.1f} s  peak {figures['peak_mib']:>7.0f} MiB"
                f"  progress reports {figures['progress']:>4}"
            )
            print(f"{'':<20} {figures['error']}")


if __name__ == "__main__":
    main()
