"""Compare two result tables the way a user moving a pipeline needs: names, dtypes by kind,
row count and order, and values (exact for integers, booleans and text; floats within a stated
tolerance; missing equals missing).

Dtypes are compared by kind, because the same column is typed differently by different pandas
generations: ``int64`` and ``Int64`` are both integer, ``object`` holding text and ``string``
are both text, ``float32`` and ``float64`` are both float. A column whose kind differs is
reported; its values are still compared as text where they line up.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from azml_lsp.contract.columns import dtype_kind

#: Relative and absolute tolerance for floating point values (``math.isclose``).
DEFAULT_RTOL = 1e-9
DEFAULT_ATOL = 1e-12
#: How many differing cells a comparison lists.
MAX_CELLS = 20


@dataclass
class Cell:
    """A cell whose values differ: its row (0-based, in output order), column and both values."""

    row: int
    column: str
    left: str
    right: str


@dataclass
class TableDiff:
    """What differs between the same output port of two runs (nothing: ``equal``)."""

    port: int
    equal: bool = True
    rows: tuple[int, int] = (0, 0)
    only_left: list[str] = field(default_factory=list)
    only_right: list[str] = field(default_factory=list)
    column_order: bool = True
    orders: list[list[str]] = field(default_factory=list)
    """Where the shared columns come in another order: that order in each run."""
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Columns whose kind differs: name -> (left kind, right kind)."""
    cells: list[Cell] = field(default_factory=list)
    differing_cells: int = 0
    missing: str = ""
    """Set when only one run wrote this port: which one did."""
    reordered: bool = False
    """The cells differ only because the same rows come in another order."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self, runs: tuple[str, str] = ("first run", "second run")) -> str:
        """One line for a person; ``runs`` names the two runs (their environments)."""
        if self.equal:
            return f"port {self.port}: equal ({self.rows[0]} rows)"
        if self.missing:
            return f"port {self.port}: {self.missing}"
        parts = []
        if self.rows[0] != self.rows[1]:
            parts.append(f"rows {self.rows[0]} vs {self.rows[1]}")
        for run, names in zip(runs, (self.only_left, self.only_right), strict=True):
            if names:
                parts.append(f"columns only in {run}: {', '.join(names)}")
        if not self.column_order:
            left, right = self.orders or ([], [])
            parts.append(f"columns in another order ({', '.join(left)} vs {', '.join(right)})")
        for name, (left_kind, right_kind) in self.kinds.items():
            parts.append(f"{name}: {left_kind} vs {right_kind}")
        if self.reordered:
            parts.append("the same rows in another order")
        elif self.differing_cells:
            first = self.cells[0]
            parts.append(
                f"{self.differing_cells} differing cell{'s' if self.differing_cells > 1 else ''}"
                f", the first in column {first.column} "
                f"row {first.row} ({first.left or 'missing'} vs {first.right or 'missing'})"
            )
        return f"port {self.port}: " + "; ".join(parts)


def compare_tables(
    port: int, left: Any, right: Any, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL
) -> TableDiff:
    """Compare two DataFrames (the same port of two runs)."""
    diff = TableDiff(port=port, rows=(len(left), len(right)))
    left_names = [str(c) for c in left.columns]
    right_names = [str(c) for c in right.columns]
    diff.only_left = [n for n in left_names if n not in right_names]
    diff.only_right = [n for n in right_names if n not in left_names]
    shared = [n for n in left_names if n in right_names]
    right_order = [n for n in right_names if n in shared]
    diff.column_order = right_order == shared
    if not diff.column_order:
        diff.orders = [shared, right_order]
    left, right = left.set_axis(left_names, axis=1), right.set_axis(right_names, axis=1)
    for name in shared:
        kinds = (dtype_kind(left[name].dtype), dtype_kind(right[name].dtype))
        if kinds[0] != kinds[1]:
            diff.kinds[name] = kinds
    for row in range(min(len(left), len(right))):
        for name in shared:
            a, b = left[name].iat[row], right[name].iat[row]
            if not _same_value(a, b, rtol, atol):
                diff.differing_cells += 1
                if len(diff.cells) < MAX_CELLS:
                    diff.cells.append(Cell(row, name, _shown(a), _shown(b)))
    if diff.differing_cells and diff.rows[0] == diff.rows[1]:
        diff.reordered = _rows_of(left, shared) == _rows_of(right, shared)
    diff.equal = not (
        diff.rows[0] != diff.rows[1]
        or diff.only_left
        or diff.only_right
        or not diff.column_order
        or diff.kinds
        or diff.differing_cells
    )
    return diff


def _rows_of(frame: Any, columns: list[str]) -> list[tuple[str, ...]]:
    """The rows as text, sorted: equal for two frames with the same rows in any order."""
    values = zip(*(frame[name].map(_shown) for name in columns), strict=True)
    return sorted(values) if columns else []


def one_sided(port: int, written_by: str) -> TableDiff:
    """The diff of a port only one run wrote."""
    return TableDiff(port=port, equal=False, missing=f"only the {written_by} run wrote it")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _same_value(a: Any, b: Any, rtol: float, atol: float) -> bool:
    a_missing, b_missing = _missing(a), _missing(b)
    if a_missing or b_missing:
        return a_missing and b_missing
    if _is_float(a) or _is_float(b):
        try:
            return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=atol)
        except (TypeError, ValueError):
            return False
    if _is_bool(a) or _is_bool(b):
        return _is_bool(a) and _is_bool(b) and bool(a) == bool(b)
    if _is_integer(a) and _is_integer(b):
        return int(a) == int(b)
    return _shown(a) == _shown(b)


def _is_float(value: Any) -> bool:
    import numpy as np

    return isinstance(value, (float, np.floating))


def _is_bool(value: Any) -> bool:
    import numpy as np

    return isinstance(value, (bool, np.bool_))


def _is_integer(value: Any) -> bool:
    import numpy as np

    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _shown(value: Any) -> str:
    return "" if _missing(value) else str(value)
