"""A 1M-row CSV round trip (read, then write CSV): azml's input/output functions against plain
pandas + pyarrow, side by side.

    python benchmarks/io_roundtrip.py [--rows 1000000] [--repeat 3]

Each measurement runs in a fresh child process. Its wall time and peak RSS are taken by a
wrapper process (``resource.getrusage(RUSAGE_CHILDREN)``); the child itself reports the time of
the read and the write (imports excluded). The size of the loaded frame
(``memory_usage(deep=True)``) comes from a separate, untimed run. Times are the best of the
runs (the least disturbed by other load on the machine), memory the largest peak.

- ``pandas+pyarrow``: ``pd.read_csv(engine="pyarrow")``, then ``pyarrow.csv.write_csv`` of
  ``pa.Table.from_pandas(df)``.
- ``azml``: ``load_dataset`` (designer input rules: text columns as Python strings, missing text
  as None), the contract's ``finalize_table``, then ``write_table(..., "csv")``.
- ``imports``: the interpreter with pandas, pyarrow and azml's modules imported, nothing read.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VARIANTS = ("imports", "pandas+pyarrow", "azml")


def make_csv(path: Path, rows: int) -> None:
    """A mixed table like real inputs: ids, measurements with gaps, categories, names, times."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    rng = np.random.default_rng(7)
    score = rng.normal(size=rows)
    score[rng.random(rows) < 0.05] = np.nan
    frame = pd.DataFrame(
        {
            "id": np.arange(rows),
            "age": rng.integers(18, 90, rows),
            "glucose": rng.normal(120, 30, rows).round(1),
            "score": score,
            "group": rng.choice(np.array(["red", "green", "blue", None], dtype=object), rows),
            "name": [f"user_{i:07d}" for i in rng.integers(0, 10**7, rows)],
            "when": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 10**8, rows), unit="s"),
            "flag": rng.random(rows) < 0.5,
        }
    )
    pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), str(path))


def work(variant: str, source: str, target: str) -> dict[str, Any]:
    """Run one variant in this process; the figures it can see from the inside.

    ``TARGET`` ``-`` only loads and measures the frame (untimed: ``memory_usage(deep=True)``
    walks every Python string, which would weigh on the process time).
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from azml_lsp.contract.dialects import Dialect
    from azml_lsp.contract.returns import finalize_table
    from azml_lsp.runtime.inputs import load_dataset
    from azml_lsp.runtime.outputs import write_table

    loaders = {
        "pandas+pyarrow": lambda: pd.read_csv(source, engine="pyarrow"),
        "azml": lambda: load_dataset(source, Dialect.DESIGNER),
    }
    writers = {
        "pandas+pyarrow": lambda frame: pa_csv.write_csv(
            pa.Table.from_pandas(frame, preserve_index=False), target
        ),
        "azml": lambda frame: write_table(
            finalize_table(Dialect.DESIGNER, frame), Path(target), "csv"
        ),
    }
    if variant not in loaders:
        return {"read_s": 0.0, "write_s": 0.0}
    started = time.perf_counter()
    frame = loaders[variant]()
    if target == "-":
        return {"frame_bytes": int(frame.memory_usage(deep=True).sum())}
    read = time.perf_counter()
    writers[variant](frame)
    return {"read_s": read - started, "write_s": time.perf_counter() - read}


def _run_json(*args: str) -> dict[str, Any]:
    """Run this file with ``args`` in a fresh interpreter and read the JSON it prints."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return dict(json.loads(done.stdout))


def measure(variant: str, source: str, target: str) -> dict[str, Any]:
    """Run ``variant`` in a fresh child; add its wall time, CPU time and peak RSS."""
    started = time.perf_counter()
    figures = _run_json("--work", variant, source, target)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        **figures,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_bytes": usage.ru_maxrss * 1024,
    }


def measure_fresh(variant: str, source: str, target: str) -> dict[str, Any]:
    """:func:`measure` from a fresh wrapper, so RUSAGE_CHILDREN holds this child alone."""
    return _run_json("--measure", variant, source, target)


def summarize(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Times: the best run (the least disturbed by other load); memory: the largest peak."""
    times = ("wall_s", "cpu_s", "read_s", "write_s")
    return {
        **{key: min(run[key] for run in runs) for key in times},
        "peak_rss_bytes": max(run["peak_rss_bytes"] for run in runs),
    }


def report(figures: dict[str, dict[str, float]], rows: int, size: int) -> None:
    mib = 1024 * 1024
    print(f"CSV round trip, {rows:,} rows, {size / mib:.1f} MiB file; best time, largest peak\n")
    print(
        f"{'':16}{'wall s':>9}{'CPU s':>8}{'read+write s':>14}{'read s':>9}{'write s':>9}"
        f"{'peak RSS MiB':>14}{'frame MiB':>11}"
    )
    for variant, f in figures.items():
        print(
            f"{variant:16}{f['wall_s']:9.2f}{f['cpu_s']:8.2f}{f['read_s'] + f['write_s']:14.2f}"
            f"{f['read_s']:9.2f}"
            f"{f['write_s']:9.2f}{f['peak_rss_bytes'] / mib:14.0f}{f['frame_bytes'] / mib:11.0f}"
        )
    base, ours, idle = figures["pandas+pyarrow"], figures["azml"], figures["imports"]
    op = (ours["read_s"] + ours["write_s"]) / (base["read_s"] + base["write_s"])
    print(
        f"\ntime ratio azml / pandas+pyarrow: read+write {op:.2f}x, "
        f"whole process {ours['wall_s'] / base['wall_s']:.2f}x (target <= 1.10)"
    )
    frame = ours["frame_bytes"]
    print(
        f"azml peak RSS / loaded frame size: {ours['peak_rss_bytes'] / frame:.2f}x "
        f"(target <= 2.5); above the idle interpreter "
        f"({idle['peak_rss_bytes'] / mib:.0f} MiB): "
        f"{(ours['peak_rss_bytes'] - idle['peak_rss_bytes']) / frame:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", nargs=3, metavar=("VARIANT", "SOURCE", "TARGET"))
    parser.add_argument("--measure", nargs=3, metavar=("VARIANT", "SOURCE", "TARGET"))
    args = parser.parse_args()
    if args.work:
        print(json.dumps(work(*args.work)))
        return
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    with tempfile.TemporaryDirectory(prefix="azml-io-bench-") as folder:
        source = Path(folder) / "input.csv"
        make_csv(source, args.rows)
        runs: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
        for _ in range(args.repeat):
            for variant in VARIANTS:
                target = str(Path(folder) / f"out-{variant}.csv")
                runs[variant].append(measure_fresh(variant, str(source), target))
        figures = {variant: summarize(found) for variant, found in runs.items()}
        for variant, found in figures.items():
            found["frame_bytes"] = _run_json("--work", variant, str(source), "-").get(
                "frame_bytes", 0
            )
        report(figures, args.rows, source.stat().st_size)


if __name__ == "__main__":
    main()
