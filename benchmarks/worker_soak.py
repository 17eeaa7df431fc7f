"""1,000 runs (``--runs``) of a small script through one warm worker: failures, the worker's
memory at the start and the end, descriptors and temp folders left behind."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.runtime.test_soak import soak

#: Measured on this machine's Python: created cloud twins must not change what is measured.
os.environ.setdefault("AZML_ENV", "local")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="azml-soak-") as folder:
        started = time.perf_counter()
        figures = soak(Path(folder), args.runs)
        elapsed = time.perf_counter() - started
    print(f"runs                 {figures['runs']:>10}")
    print(f"failures             {figures['failures']:>10}")
    print(f"runs per second      {figures['runs'] / elapsed:>10.1f}")
    print(f"worker RSS start     {figures['worker_rss_start_kib'] / 1024:>10.1f} MiB")
    print(f"worker RSS end       {figures['worker_rss_end_kib'] / 1024:>10.1f} MiB")
    print(f"growth               {figures['growth'] * 100:>10.2f} %  (target < 10 %)")
    print(f"descriptors leaked   {figures['fds_leaked']:>10}")
    print(f"temp folders left    {figures['temp_dirs_left']:>10}")


if __name__ == "__main__":
    main()
