"""Reference data for the input/output tests: real files in tmp_path, built from one frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def reference() -> pd.DataFrame:
    """Numbers, text, times and booleans, with a missing value in most columns."""
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "score": [1.5, np.nan, -3.25, 1e-3],
            "name": ["ann", None, "cé dric", 'quote " and, comma'],
            "when": pd.Series(
                [
                    pd.Timestamp("2024-01-31 12:00"),
                    pd.NaT,
                    pd.Timestamp("1999-12-31"),
                    pd.Timestamp("2024-02-29 08:30"),
                ]
            ),
            "flag": [True, False, True, False],
        }
    )


def expected_text(values: pd.Series) -> list[str | None]:
    """What a text column holds after loading: ``str`` or None."""
    return [None if pd.isna(v) else str(v) for v in values]


def assert_same_table(loaded: pd.DataFrame, source: pd.DataFrame) -> None:
    """Same columns, and the same values cell by cell (missing matches missing)."""
    assert list(loaded.columns) == list(source.columns)
    assert len(loaded) == len(source)
    for name in source.columns:
        want, got = source[name], loaded[name]
        if pd.api.types.is_datetime64_any_dtype(want):
            assert pd.api.types.is_datetime64_any_dtype(got), name
            assert [None if pd.isna(v) else pd.Timestamp(v) for v in got] == [
                None if pd.isna(v) else pd.Timestamp(v) for v in want
            ], name
        elif pd.api.types.is_float_dtype(want):
            np.testing.assert_allclose(got.to_numpy(float), want.to_numpy(float), equal_nan=True)
        elif want.dtype == object or pd.api.types.is_string_dtype(want):
            assert got.dtype == object, name
            assert list(got) == expected_text(want), name
        else:
            assert list(got) == list(want), name


def write_bytes(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)
