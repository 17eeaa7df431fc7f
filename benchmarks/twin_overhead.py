"""What running in a cloud twin costs, each figure beside its peer in one run.

1. ``azml run --env TWIN`` on a small example against the same work done by hand with the twin's
   own Python (start it, import its pandas, read the CSV, call ``azureml_main``, write the CSV).
   Target: ratio <= 1.2.
2. An in-editor Run in the twin through the warm worker (what the language server and
   ``azml serve`` use) against a cold ``azml run --env TWIN``. Target: ratio <= 0.3.
3. ``azml env create TWIN`` into an empty store: with an empty download cache, and again with
   the wheels already downloaded.

The sides of 1 and 2 run alternately and each ratio is the median of the back-to-back pairs'
ratios (see ``run_overhead.py``). The twin must be created first (``azml env create TWIN``).
Usage: ``python benchmarks/twin_overhead.py [--twin designer] [--repeat N] [--no-create]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_overhead import SMALL_SCRIPT, byte_compile_package, measure, paired, write_small

from azml_lsp.envs.store import installed

BY_HAND = """
import sys
sys.path.insert(0, sys.argv[4])
import pandas as pd
frame = pd.read_csv(sys.argv[1])
namespace = {}
exec(compile(open(sys.argv[2]).read(), sys.argv[2], "exec"), namespace)
result = namespace["azureml_main"](frame)[0]
result.to_csv(sys.argv[3], index=False)
"""


def cold_run(twin: str, script: Path, data: Path, out: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "azml_lsp", "run", str(script), "--dataset1", str(data)),
        *("--out", str(out), "--json", "--env", twin),
    ]


def warm_versus_cold(twin: str, script: Path, data: Path, folder: Path, repeat: int) -> dict:
    """In-editor Runs through one warm worker, alternating with cold ``azml run`` commands."""
    from azml_lsp.runtime import RunRequest, WarmWorker

    worker = WarmWorker()
    request = RunRequest(str(script), dataset1=str(data), out_dir=str(folder / "warm"), env=twin)
    worker.run(request)  # the worker's first run starts it
    pairs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = worker.run(request)
        warm = time.perf_counter() - started
        assert result.ok, result.error
        cold = measure(cold_run(twin, script, data, folder / "cold"))["seconds"]
        pairs.append((warm, cold))
    worker.close()
    ratios = sorted(w / c for w, c in pairs)
    return {
        "warm": statistics.median(w for w, _ in pairs),
        "cold": statistics.median(c for _, c in pairs),
        "median": statistics.median(ratios),
        "low": ratios[0],
        "high": ratios[-1],
    }


def create_times(twin: str, folder: Path) -> tuple[float, float]:
    """Seconds of ``azml env create`` into an empty store: no downloads cached, then cached."""
    times = []
    downloads = folder / "downloads"
    for attempt in ("cold", "warm"):
        env = {
            **os.environ,
            "AZML_CACHE_DIR": str(folder / f"store-{attempt}"),
            "AZML_PIP_CACHE": str(downloads),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "azml_lsp", "env", "create", twin],
            env=env,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twin", default="designer")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-create", action="store_true", help="skip the env create figures")
    args = parser.parse_args()
    twin = installed(args.twin)
    if twin is None:
        raise SystemExit(f"the {args.twin} twin is not created: azml env create {args.twin}")
    with tempfile.TemporaryDirectory(prefix="azml-twin-bench-") as tmp:
        folder = Path(tmp)
        script = folder / "small_script.py"
        script.write_text(textwrap.dedent(SMALL_SCRIPT))
        by_hand = folder / "by_hand.py"
        by_hand.write_text(BY_HAND)
        data = write_small(folder)
        byte_compile_package()
        hand = [twin.python, "-s", str(by_hand), str(data), str(script), str(folder / "h.csv")]
        hand.append(twin.site)
        measure(hand)  # the twin's first imports write its bytecode
        hand_side, azml_side, ratio = paired(
            hand, cold_run(args.twin, script, data, folder / "o"), args.repeat
        )
        editor = warm_versus_cold(args.twin, script, data, folder, args.repeat)
        print(f"twin: {twin.summary()}")
        print(f"{'measurement':<52} {'peer':>10} {'azml':>10} {'ratio':>24} target")
        print(
            f"{'small example: by hand in the twin vs azml run --env':<52} "
            f"{hand_side['seconds']:>9.3f}s {azml_side['seconds']:>9.3f}s "
            f"{ratio['median']:>6.2f} ({ratio['low']:.2f}-{ratio['high']:.2f}) <= 1.2"
        )
        print(
            f"{'in-editor Run (warm worker) vs cold azml run --env':<52} "
            f"{editor['cold']:>9.3f}s {editor['warm']:>9.3f}s "
            f"{editor['median']:>6.2f} ({editor['low']:.2f}-{editor['high']:.2f}) <= 0.3"
        )
        if not args.no_create:
            cold, warm = create_times(args.twin, folder)
            print(
                f"{'azml env create: empty download cache vs cached':<52} {cold:>9.1f}s {warm:>9.1f}s"
            )


if __name__ == "__main__":
    main()
