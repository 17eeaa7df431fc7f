"""Result tables to Arrow, then to CSV (formatted in parallel) or Parquet.

CSV: a header row, no index, missing values as empty fields, text quoted, numbers as their
shortest exact form, dates and times in ISO form (``2024-01-31 12:00:00.000000``), booleans as
``true``/``false``. Values CSV cannot hold natively become text: ``bytes`` as base64, durations
and other objects through ``str()``; a column of mixed types is written as text.
Parquet keeps every type pyarrow can store; a column it cannot store is refused by name.
"""

from __future__ import annotations

import base64
import math
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

ARROW_ERRORS = (pa.ArrowException, TypeError, ValueError, OverflowError)
CSV_CHUNK_ROWS = 16 * 1024
"""Rows formatted per task when a CSV is written in parallel."""


class UnwritableColumn(Exception):
    """A column the format cannot store, with pyarrow's reason."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def csv_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table whose every column the CSV writer can format."""
    names = [str(name) for name in frame.columns]
    arrays = [_csv_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return pa.Table.from_arrays(arrays, names=names) if arrays else _empty_table(frame)


def parquet_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table with pandas metadata; raises :class:`UnwritableColumn`."""
    frame = frame.set_axis([str(name) for name in frame.columns], axis=1)
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except ARROW_ERRORS as exc:
        for index, name in enumerate(frame.columns):
            try:
                pa.array(frame.iloc[:, index], from_pandas=True)
            except ARROW_ERRORS as column_exc:
                raise UnwritableColumn(name, str(column_exc)) from None
        raise UnwritableColumn("", str(exc)) from None


def _empty_table(frame: pd.DataFrame) -> pa.Table:
    return pa.table({"": pa.nulls(len(frame))}).drop_columns([""])


def _csv_writable(data_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(data_type):
        return _csv_writable(data_type.value_type)
    return not (
        pa.types.is_nested(data_type)
        or pa.types.is_binary(data_type)
        or pa.types.is_large_binary(data_type)
        or pa.types.is_fixed_size_binary(data_type)
        or pa.types.is_duration(data_type)
        or pa.types.is_interval(data_type)
        or isinstance(data_type, pa.ExtensionType)
    )


def _csv_column(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    try:
        array = pa.array(column, from_pandas=True)
    except ARROW_ERRORS:
        return pa.array(_texts(column), type=pa.string())
    if _csv_writable(array.type):
        return array
    return pa.array(_texts(column), type=pa.string())


def _texts(column: pd.Series) -> list[str | None]:
    return [_text(value) for value in column.array]


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def write_csv(table: pa.Table, path: Path) -> None:
    """Write ``table`` as CSV; large tables are formatted by several threads, in order."""
    workers = min(4, os.cpu_count() or 1)
    if table.num_rows <= CSV_CHUNK_ROWS or workers == 1:
        pa_csv.write_csv(table, str(path))
        return

    def format_rows(start: int) -> pa.Buffer:
        sink = pa.BufferOutputStream()
        options = pa_csv.WriteOptions(include_header=start == 0)
        pa_csv.write_csv(table.slice(start, CSV_CHUNK_ROWS), sink, options)
        return sink.getvalue()

    pending: deque[Future[pa.Buffer]] = deque()
    with (
        ThreadPoolExecutor(workers, thread_name_prefix="azml-csv") as pool,
        open(path, "wb") as out,
    ):
        for start in range(0, table.num_rows, CSV_CHUNK_ROWS):
            pending.append(pool.submit(format_rows, start))
            if len(pending) > workers:
                out.write(pending.popleft().result())
        while pending:
            out.write(pending.popleft().result())


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` as Parquet (Snappy-compressed)."""
    import pyarrow.parquet as pq

    try:
        pq.write_table(table, str(path))
    except ARROW_ERRORS as exc:
        raise UnwritableColumn("", str(exc)) from None
