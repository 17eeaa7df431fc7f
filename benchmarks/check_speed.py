"""Time syntax-only checking of a generated 2,000-line script against ``ast.parse`` of it.

Run ``python benchmarks/check_speed.py [--lines N] [--repeat R]``; prints both times side by
side and the ratio (the target is at most 3x), then the time with inference (jedi) allowed,
which starts only where the syntax cannot tell. Import resolution is warmed first, as it is in an
editor after the first check. Last, the time to load each shipped API surface from its file
(the target is under 50 ms), which the first check of a process pays.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from collections.abc import Callable

from azml_lsp import surfaces
from azml_lsp.checker import CheckConfig, check_source

BLOCK = '''
def helper_{i}(frame, factor={i}):
    """Scale a column and keep rows above a threshold."""
    values = frame["value"] * factor
    mask = values > {i} % 7
    result = frame.loc[mask, ["id", "value"]].copy()
    result["scaled"] = values[mask]
    for row in range(3):
        result = result.assign(step=row)
    return result

'''
HEAD = "import numpy as np\nimport pandas as pd\n\n"
TAIL = (
    "def azureml_main(dataframe1=None, dataframe2=None):\n"
    "    frame = helper_0(dataframe1)\n"
    "    return frame,\n"
)


def make_script(lines: int) -> str:
    """A realistic script of about ``lines`` lines."""
    parts = [HEAD]
    i = 0
    while sum(p.count("\n") for p in parts) < lines - 3:
        parts.append(BLOCK.format(i=i))
        i += 1
    parts.append(TAIL)
    return "".join(parts)


def best_time(run: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(
    lines: int = 2000, repeat: int = 15, use_jedi: bool = False
) -> tuple[float, float, int]:
    """``(ast.parse seconds, check seconds, line count)`` for a generated script.

    With ``use_jedi`` the inference-backed rules are on too; jedi still starts only for values
    the syntax cannot classify, so the time stays close to the syntax-only one.
    """
    source = make_script(lines)
    config = CheckConfig(use_jedi=use_jedi)
    check_source(source, "bench.py", config)
    parse = best_time(lambda: ast.parse(source), repeat)
    checked = best_time(lambda: check_source(source, "bench.py", config), repeat)
    return parse, checked, source.count("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    parse, checked, count = measure(args.lines, args.repeat)
    _, inferred, _ = measure(args.lines, args.repeat, use_jedi=True)
    print(f"{'lines':>8} {'ast.parse':>12} {'check':>12} {'ratio':>7} {'check+jedi':>12}")
    print(
        f"{count:>8} {parse * 1000:>10.2f}ms {checked * 1000:>10.2f}ms "
        f"{checked / parse:>6.2f}x {inferred * 1000:>10.2f}ms"
    )
    print(f"{'surface':>14} {'load':>9} {'size':>9}")
    for name, seconds in surface_loads(args.repeat):
        size = (surfaces.DATA / f"{name}.json.gz").stat().st_size
        print(f"{name:>14} {seconds * 1000:>7.1f}ms {size / 1000:>7.1f}kB")
    return 0


def surface_loads(repeat: int) -> list[tuple[str, float]]:
    """``(surface, seconds)``: the fastest of ``repeat`` loads of each, from its file."""

    def load(name: str) -> None:
        surfaces.load.cache_clear()
        surfaces.load(name)

    return [(name, best_time(lambda n=name: load(n), repeat)) for name in surfaces.names()]


if __name__ == "__main__":
    sys.exit(main())
