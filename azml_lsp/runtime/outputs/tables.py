"""Result tables to Arrow, then to CSV (formatted in parallel) or Parquet.

CSV: a header row, no index, missing values as empty fields. Text is quoted only when some text
value of the table holds a comma, a quote or a line break (then every text value is; header
names only where needed). Numbers in their shortest exact form, dates and times in ISO form
(``2024-01-31 12:00:00.000000``; with a time zone: in UTC, ``...Z``), booleans as
``true``/``false``. Values CSV cannot hold natively become text: ``bytes`` as base64, durations
and other objects through ``str()``; a column of mixed types is written as text.
Parquet keeps every type pyarrow can store; a column it cannot store is refused by name.
"""

from __future__ import annotations

import base64
import math
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

if TYPE_CHECKING:
    from azml_lsp.runtime.inputs.text_twins import TextTwins

ARROW_ERRORS = (pa.ArrowException, TypeError, ValueError, OverflowError)
CSV_PARALLEL_MIN_ROWS = 50_000
"""Tables with fewer rows are written by one thread."""
CSV_MAX_THREADS = 4


class UnwritableColumn(Exception):
    """A column the format cannot store, with pyarrow's reason."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def csv_table(frame: pd.DataFrame, twins: TextTwins | None = None) -> pa.Table:
    """The frame as an Arrow table whose every column the CSV writer can format; a text
    column returned as it was read comes from its Arrow twin."""
    names = [str(name) for name in frame.columns]
    arrays = [_csv_column(frame.iloc[:, i], twins) for i in range(frame.shape[1])]
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


def _csv_column(column: pd.Series, twins: TextTwins | None) -> pa.Array | pa.ChunkedArray:
    if twins is not None and column.dtype == object:
        twin = twins.find(column.to_numpy(dtype=object, copy=False))
        if twin is not None:
            return twin
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
    """Write ``table`` as CSV; raises :class:`UnwritableColumn` for what pyarrow refuses."""
    try:
        _write_csv_parts(table, path)
    except pa.ArrowException as exc:
        raise UnwritableColumn("", str(exc)) from None


STRUCTURAL = (b",", b'"', b"\n", b"\r")


def csv_header(names: list[str]) -> bytes:
    """The header row; a name is quoted only when it holds a comma, a quote or a line break."""
    fields = []
    for name in names:
        if any(ch.decode() in name for ch in STRUCTURAL):
            name = '"' + name.replace('"', '""') + '"'
        fields.append(name)
    return (",".join(fields) + "\n").encode("utf-8")


def quoting_style(table: pa.Table) -> str:
    """``none`` when no text value holds a comma, quote or line break (``1,ann,1.5``), else
    ``needed``: every text value quoted (``1,"ann",1.5``). One style for the whole file."""
    for column in table.itercolumns():
        data_type = column.type
        chunks = column.chunks
        if pa.types.is_dictionary(data_type):
            data_type = data_type.value_type
            chunks = [chunk.dictionary for chunk in chunks]
        if not (pa.types.is_string(data_type) or pa.types.is_large_string(data_type)):
            continue
        for chunk in chunks:
            data = chunk.buffers()[2]
            if data is not None and _holds_structural(data):
                return "needed"
    return "none"


def _holds_structural(data: pa.Buffer) -> bool:
    raw = memoryview(data).tobytes()
    return any(ch in raw for ch in STRUCTURAL)


def _write_csv_parts(table: pa.Table, path: Path) -> None:
    """The header, then the rows. A large table is cut into one run of rows per thread; the
    first run is appended to ``path`` directly, the others to part files appended in order."""
    options = pa_csv.WriteOptions(include_header=False, quoting_style=quoting_style(table))
    with open(path, "wb") as out:
        out.write(csv_header(table.column_names))
    workers = min(CSV_MAX_THREADS, os.cpu_count() or 1)
    if table.num_rows < CSV_PARALLEL_MIN_ROWS or workers == 1:
        _append_rows(table, path, options)
        return
    step = -(-table.num_rows // workers)
    parts = [path] + [path.with_name(f"{path.stem}.{i}{path.suffix}") for i in range(1, workers)]

    def write_part(index: int) -> None:
        rows = table.slice(index * step, step)
        if index == 0:
            _append_rows(rows, path, options)
        else:
            pa_csv.write_csv(rows, str(parts[index]), options)

    try:
        with ThreadPoolExecutor(workers, thread_name_prefix="azml-csv") as pool:
            list(pool.map(write_part, range(workers)))
        out_fd = os.open(path, os.O_WRONLY)
        try:
            os.lseek(out_fd, 0, os.SEEK_END)
            for part in parts[1:]:
                _append(part, out_fd)
        finally:
            os.close(out_fd)
    finally:
        for part in parts[1:]:
            part.unlink(missing_ok=True)


def _append_rows(table: pa.Table, path: Path, options: pa_csv.WriteOptions) -> None:
    with pa.OSFile(str(path), "ab") as sink:
        pa_csv.write_csv(table, sink, options)


def _append(part: Path, out: int) -> None:
    """Copy ``part`` to the end of the open file ``out`` (in the kernel where it can)."""
    with part.open("rb") as source:
        size, offset = os.fstat(source.fileno()).st_size, 0
        try:
            while offset < size:
                sent = os.sendfile(out, source.fileno(), offset, size - offset)
                if sent == 0:
                    break
                offset += sent
        except OSError:
            source.seek(offset)
            while chunk := source.read(1 << 20):
                os.write(out, chunk)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` as Parquet (Snappy-compressed)."""
    import pyarrow.parquet as pq

    try:
        pq.write_table(table, str(path))
    except ARROW_ERRORS as exc:
        raise UnwritableColumn("", str(exc)) from None
