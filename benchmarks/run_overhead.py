"""What ``azml run`` costs over doing the same work by hand, printed side by side.

1. A small example: ``azml run`` against a minimal hand-written script that does the same work
   (start Python, import pandas, read the CSV, call ``azureml_main``, write the CSV).
   Target: ratio <= 1.15.
2. A 1M-row CSV round trip (read, identity script, write): ``azml run`` against pandas+pyarrow
   alone (``read_csv(engine="pyarrow")`` + ``pyarrow.csv.write_csv``). Targets: time ratio <= 1.1,
   peak memory <= 2.5x the frame's size.

The two sides run alternately, and each ratio is the median of the back-to-back pairs' ratios,
so a machine whose speed drifts during the run moves both sides alike. Each measurement is a
fresh process tree; peak memory is the largest resident set of any process
in it (``RUSAGE_CHILDREN``, read in a fresh measuring process per run). Usage:
``python benchmarks/run_overhead.py [--repeat N] [--rows N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SMALL_SCRIPT = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    dataframe1["total"] = dataframe1["a"] + dataframe1["b"]
    return dataframe1,
"""

IDENTITY_SCRIPT = """
def azureml_main(dataframe1=None, dataframe2=None):
    return dataframe1,
"""

BY_HAND_SMALL = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
namespace = {{}}
exec(compile(open(sys.argv[2]).read(), sys.argv[2], "exec"), namespace)
result = namespace["azureml_main"](frame)[0]
result.to_csv(sys.argv[3], index=False)
"""

BY_HAND_ARROW = """
import sys
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
frame = pd.read_csv(sys.argv[1], engine="pyarrow")
namespace = {{}}
exec(compile(open(sys.argv[2]).read(), sys.argv[2], "exec"), namespace)
result = namespace["azureml_main"](frame)[0]
pacsv.write_csv(pa.Table.from_pandas(result, preserve_index=False), sys.argv[3])
"""

MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024, "code": done.returncode,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def measure(command: list[str]) -> dict[str, float]:
    """Wall time and peak RSS of ``command``'s process tree, measured in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(command)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout)
    if figures["code"] != 0:
        raise SystemExit(f"{command[:4]} failed:\n{figures['stderr']}")
    return figures


def paired(hand: list[str], azml: list[str], repeat: int) -> tuple[dict[str, float], ...]:
    """Run the two commands alternately ``repeat`` times: a machine that speeds up or slows down
    during the run then moves both sides alike. Returns the medians of each side and of the
    per-pair ratios, and each side's largest peak."""
    pairs = [(measure(hand), measure(azml)) for _ in range(repeat)]
    sides = []
    for side in (0, 1):
        runs = [pair[side] for pair in pairs]
        sides.append(
            {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "best": min(r["seconds"] for r in runs),
                "peak_mib": max(r["peak_mib"] for r in runs),
            }
        )
    ratios = sorted(azml_run["seconds"] / hand_run["seconds"] for hand_run, azml_run in pairs)
    return (
        sides[0],
        sides[1],
        {
            "median": statistics.median(ratios),
            "low": ratios[0],
            "high": ratios[-1],
            "best": sides[1]["best"] / sides[0]["best"],
        },
    )


def byte_compile_package() -> None:
    """Leave azml_lsp byte-compiled, as installing its wheel does (an editable install under
    ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module on every start)."""
    import compileall

    import azml_lsp

    compileall.compile_dir(Path(azml_lsp.__file__).parent, quiet=1)


def write_small(folder: Path) -> Path:
    path = folder / "small.csv"
    lines = ["a,b,label"] + [f"{i},{i * 0.5},row{i % 7}" for i in range(1000)]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_large(folder: Path, rows: int) -> Path:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "id": np.arange(rows),
            "x": rng.normal(size=rows),
            "y": rng.normal(size=rows),
            "count": rng.integers(0, 1000, size=rows),
            "ratio": rng.random(size=rows),
            "group": rng.choice(["alpha", "beta", "gamma", "delta"], size=rows),
            "code": [f"c{n}" for n in rng.integers(0, 100_000, size=rows)],
        }
    )
    path = folder / "large.csv"
    frame.to_csv(path, index=False)
    return path


def frame_mib(path: Path) -> float:
    """The size of the frame a script receives (as azml loads it)."""
    from azml_lsp.contract import Dialect
    from azml_lsp.runtime.inputs import load_dataset

    frame = load_dataset(str(path), Dialect.DESIGNER)
    return float(frame.memory_usage(deep=True).sum()) / 2**20


def azml_command(script: Path, data: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "azml_lsp",
        "run",
        str(script),
        "--dataset1",
        str(data),
        "--out",
        str(out),
        "--json",
        "--env",
        "local",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="azml-bench-") as tmp:
        folder = Path(tmp)
        small_script = folder / "small_script.py"
        small_script.write_text(textwrap.dedent(SMALL_SCRIPT))
        identity = folder / "identity.py"
        identity.write_text(textwrap.dedent(IDENTITY_SCRIPT))
        by_hand = folder / "by_hand.py"
        by_hand.write_text(BY_HAND_SMALL.replace("{{}}", "{}"))
        by_hand_arrow = folder / "by_hand_arrow.py"
        by_hand_arrow.write_text(BY_HAND_ARROW.replace("{{}}", "{}"))
        small = write_small(folder)
        large = write_large(folder, args.rows)

        byte_compile_package()
        measure(azml_command(small_script, small, folder / "warm"))  # warm the OS file cache
        hand_small, azml_small, small_ratio = paired(
            [sys.executable, str(by_hand), str(small), str(small_script), str(folder / "h.csv")],
            azml_command(small_script, small, folder / "o1"),
            args.repeat,
        )
        hand_large, azml_large, large_ratio = paired(
            [sys.executable, str(by_hand_arrow), str(large), str(identity), str(folder / "h2.csv")],
            azml_command(identity, large, folder / "o2"),
            max(3, args.repeat // 2),
        )
        size = frame_mib(large)

    print(f"{'measurement':44} {'by hand':>10} {'azml run':>10} {'ratio':>7} {'target':>8}")
    print("-" * 84)
    rows = [
        ("small example, wall time (s)", hand_small, azml_small, small_ratio, 1.15),
        (
            f"{args.rows:,}-row CSV round trip, wall time (s)",
            hand_large,
            azml_large,
            large_ratio,
            1.10,
        ),
    ]
    for name, hand, azml, ratio, target in rows:
        verdict = "ok" if ratio["median"] <= target else "MISSED"
        print(
            f"{name:44} {hand['seconds']:10.3f} {azml['seconds']:10.3f} {ratio['median']:7.2f} "
            f"{'<= ' + str(target):>8} {verdict}  (pairs {ratio['low']:.2f}-{ratio['high']:.2f}, "
            f"best of each {ratio['best']:.2f})"
        )
    peak_ratio = azml_large["peak_mib"] / size
    verdict = "ok" if peak_ratio <= 2.5 else "MISSED"
    print(
        f"{'1M-row peak RSS (MiB) / frame size (MiB)':44} {size:10.1f} {azml_large['peak_mib']:10.1f} "
        f"{peak_ratio:7.2f} {'<= 2.5':>8} {verdict}"
    )
    print(f"(pandas+pyarrow alone peaked at {hand_large['peak_mib']:.1f} MiB on the same file)")
    print(
        "Ratios are medians of back-to-back pairs (by hand, then azml run); times are each side's "
        "median. azml_lsp is byte-compiled first, as a wheel install leaves it."
    )


if __name__ == "__main__":
    main()
