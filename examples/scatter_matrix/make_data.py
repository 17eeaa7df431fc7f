"""Write ``measurements.csv``: a small numeric table, the same bytes on every run.

Run ``python examples/scatter_matrix/make_data.py [OUTPUT]`` to regenerate it (default: beside
this file).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20150218
ROWS = 120
OUTPUT = Path(__file__).with_name("measurements.csv")


def make_measurements(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    """Four correlated, positive measurements of ``rows`` plants, rounded to one decimal."""
    rng = np.random.default_rng(seed)
    size = rng.normal(0.0, 1.0, rows)
    frame = pd.DataFrame(
        {
            "sepal_length": 5.8 + 0.6 * size + rng.normal(0, 0.25, rows),
            "sepal_width": 3.1 - 0.15 * size + rng.normal(0, 0.3, rows),
            "petal_length": 3.8 + 1.4 * size + rng.normal(0, 0.3, rows),
            "petal_width": 1.2 + 0.6 * size + rng.normal(0, 0.15, rows),
        }
    )
    return frame.clip(lower=0.1).round(1)


def main(argv: list[str]) -> None:
    """Write the table to ``argv[0]``, or beside this file."""
    output = Path(argv[0]) if argv else OUTPUT
    make_measurements().to_csv(output, index=False, lineterminator="\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main(sys.argv[1:])
