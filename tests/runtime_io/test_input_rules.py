"""Missing values and index per dialect, and progress on large files."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from azml_lsp.contract.dialects import Dialect
from azml_lsp.runtime.inputs import MISSING_TOKENS, PROGRESS_MIN_BYTES, load_dataset
from azml_lsp.runtime.inputs.readers import read_delimited
from tests.runtime_io.conftest import write_bytes


@pytest.mark.parametrize("dialect", list(Dialect))
def test_missing_values_per_dialect(tmp_path: Path, dialect: Dialect) -> None:
    path = write_bytes(
        tmp_path,
        "gaps.csv",
        b"n,text,when\n1.5,a,2024-01-01T10:00:00\n,,\n3,c,2024-03-01T00:00:00\n",
    )
    frame = load_dataset(path, dialect)
    assert frame["n"].dtype == np.float64 and np.isnan(frame["n"][1])
    assert frame["text"].dtype == object and frame["text"][1] is None
    assert pd.api.types.is_datetime64_any_dtype(frame["when"]) and frame["when"][1] is pd.NaT
    if dialect is Dialect.CLASSIC:
        assert frame.index.dtype == np.int64 and list(frame.index) == [0, 1, 2]
        assert not isinstance(frame.index, pd.RangeIndex)
    else:
        assert isinstance(frame.index, pd.RangeIndex) and len(frame.index) == 3


@pytest.mark.parametrize("token", MISSING_TOKENS)
def test_missing_tokens(tmp_path: Path, token: str) -> None:
    data = f"text,number\nx,1\n{token},{token}\n".encode()
    frame = load_dataset(write_bytes(tmp_path, "tokens.csv", data), "designer")
    assert frame["text"][1] is None
    assert np.isnan(frame["number"][1])


def test_quoted_empty_text_is_missing_and_other_text_is_kept(tmp_path: Path) -> None:
    frame = load_dataset(write_bytes(tmp_path, "q.csv", b'a,b\n"",none\n'), "designer")
    assert frame["a"][0] is None and frame["b"][0] == "none"


def _big_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    table = pa.table(
        {
            "id": np.arange(rows),
            "value": rng.normal(size=rows),
            "label": pa.array([f"label-{i % 1000}" for i in range(rows)]),
        }
    )
    pa_csv.write_csv(table, str(path))


def test_progress_on_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _big_csv(path, 300_000)
    total = path.stat().st_size
    assert total > PROGRESS_MIN_BYTES
    calls: list[tuple[int, int, float]] = []
    started = time.monotonic()
    frame = load_dataset(
        str(path), "designer", progress=lambda d, t: calls.append((d, t, time.monotonic()))
    )
    elapsed = time.monotonic() - started
    assert len(frame) == 300_000
    assert calls and calls[-1][:2] == (total, total)
    assert all(t == total for _, t, _ in calls)
    done = [d for d, _, _ in calls]
    assert done == sorted(done)
    assert len(calls) <= elapsed * 20 + 2


def test_no_progress_on_small_file(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    load_dataset(
        write_bytes(tmp_path, "s.csv", b"a\n1\n"),
        "designer",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls == []


def test_streaming_read_matches_whole_file_read(tmp_path: Path) -> None:
    """Streaming (for huge files) infers types from the first block; a column that turns into
    text further down and quoted newlines are still read exactly."""
    rows = 200_000
    path = tmp_path / "late.csv"
    lines = ["code,text"] + [f'{i},"t{i}"' for i in range(rows)]
    lines[-2] = 'X-1,"two\nlines"'
    path.write_text("\n".join(lines) + "\n")
    calls: list[tuple[int, int]] = []
    streamed = read_delimited(
        str(path), ",", None, lambda d, t: calls.append((d, t)), streaming=True
    )
    whole = read_delimited(str(path), ",", None, None, streaming=False)
    assert streamed.equals(whole)
    assert streamed.column("code").type == pa.string()
    assert streamed.column("text")[rows - 2].as_py() == "two\nlines"
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)
