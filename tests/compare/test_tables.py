"""Comparing two result tables: names, kinds, rows, values and the float tolerance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from azml_lsp.compare.tables import MAX_CELLS, compare_tables
from azml_lsp.contract.columns import dtype_kind


def test_equal_tables_across_pandas_dtype_generations() -> None:
    left = pd.DataFrame({"n": [1, 2], "t": ["a", None], "x": [0.1 + 0.2, np.nan]})
    right = pd.DataFrame(
        {
            "n": pd.array([1, 2], dtype="Int64"),
            "t": pd.array(["a", None], dtype="string"),
            "x": np.array([0.3, np.nan], dtype="float64"),
        }
    )
    diff = compare_tables(1, left, right)
    assert diff.equal, diff
    assert diff.summary() == "port 1: equal (2 rows)"


def test_integer_division_shows_as_kind_and_cells() -> None:
    diff = compare_tables(1, pd.DataFrame({"r": [3, 1]}), pd.DataFrame({"r": [3.5, 1.5]}))
    assert not diff.equal
    assert diff.kinds == {"r": ("integer", "float")}
    assert [(c.row, c.column, c.left, c.right) for c in diff.cells] == [
        (0, "r", "3", "3.5"),
        (1, "r", "1", "1.5"),
    ]
    assert diff.summary() == (
        "port 1: r: integer vs float; 2 differing cells, the first in column r row 0 (3 vs 3.5)"
    )


def test_float_tolerance_is_honoured() -> None:
    left, right = pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [1.0 + 1e-6]})
    assert not compare_tables(1, left, right).equal
    assert compare_tables(1, left, right, rtol=1e-5).equal


def test_rows_columns_and_order() -> None:
    left = pd.DataFrame({"a": [1, 2, 3], "b": [1, 1, 1]})
    right = pd.DataFrame({"b": [1, 1], "a": [1, 2], "c": [0, 0]})
    diff = compare_tables(2, left, right)
    assert diff.rows == (3, 2)
    assert diff.only_right == ["c"] and diff.only_left == []
    assert diff.column_order is False
    assert diff.differing_cells == 0
    assert diff.orders == [["a", "b"], ["b", "a"]]
    assert diff.summary(("classic-py27", "local")) == (
        "port 2: rows 3 vs 2; columns only in local: c; columns in another order (a, b vs b, a)"
    )


def test_booleans_are_not_integers_and_cells_are_capped() -> None:
    assert not compare_tables(1, pd.DataFrame({"f": [True]}), pd.DataFrame({"f": [1]})).equal
    many = compare_tables(1, pd.DataFrame({"v": range(50)}), pd.DataFrame({"v": range(1, 51)}))
    assert many.differing_cells == 50 and len(many.cells) == MAX_CELLS


def test_kinds() -> None:
    frame = pd.DataFrame(
        {
            "b": [True],
            "i": [1],
            "f": [1.5],
            "d": pd.to_datetime(["2020-01-01"]),
            "s": ["x"],
            "td": pd.to_timedelta(["1 day"]),
        }
    )
    kinds = [dtype_kind(frame[c].dtype) for c in frame.columns]
    assert kinds == ["boolean", "integer", "float", "datetime", "text", "timedelta"]


def test_the_same_rows_in_another_order_are_named() -> None:
    left = pd.DataFrame({"k": ["a", "b", "c"], "v": [1, 2, 3]})
    diff = compare_tables(1, left, left.iloc[[2, 0, 1]].reset_index(drop=True))
    assert not diff.equal and diff.reordered and diff.differing_cells == 6
    assert diff.summary() == "port 1: the same rows in another order"
    changed = left.assign(v=[1, 2, 4]).iloc[[2, 0, 1]].reset_index(drop=True)
    assert not compare_tables(1, left, changed).reordered
