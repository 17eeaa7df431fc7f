"""Readers of each input format, on pyarrow: fast, multi-threaded, streaming with progress.

Runs in the child only. Every failure becomes an :class:`~azml_lsp.runtime.inputs.InputError`
that names the file, the line and column where they apply, and what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

from azml_lsp.runtime import input_diagnose as diagnose
from azml_lsp.runtime.inputs import (
    MISSING_TOKENS,
    PROGRESS_INTERVAL_S,
    UTF8_HINT,
    InputError,
    Progress,
)

DELIMITERS = {"csv": ",", "tsv": "\t"}
NESTED_HINT = (
    "Execute Python Script inputs are flat tables: flatten or drop it first "
    "(e.g. with pandas.json_normalize, or one column per field)"
)


def read_frame(
    path: str, fmt: str, compression: str | None, progress: Progress | None
) -> pd.DataFrame:
    """Read ``path`` of format ``fmt`` into a DataFrame (before the contract's input rules)."""
    if fmt in DELIMITERS:
        return table_to_frame(read_delimited(path, DELIMITERS[fmt], compression, progress), path, 1)
    if fmt == "parquet":
        return table_to_frame(read_parquet(path, progress), path, None)
    if fmt == "feather":
        return table_to_frame(_read_arrow_file(path, "Arrow/Feather"), path, None)
    if fmt == "jsonl":
        return read_json_lines(path, compression, progress)
    if fmt == "json":
        return read_json(path)
    raise AssertionError(fmt)


STREAMING_MIN_BYTES = 512 * 1024 * 1024
"""Text files larger than this are read in blocks: less memory, a little slower."""


class _Reporter:
    """Calls ``progress(done, total)`` at most every :data:`PROGRESS_INTERVAL_S`, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.progress is not None and now - self.last >= PROGRESS_INTERVAL_S:
            self.last = now
            self.progress(min(done, self.total), self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


@contextlib.contextmanager
def _open(path: str, compression: str | None) -> Iterator[tuple[Any, Any]]:
    """A pyarrow input stream over ``path``, decompressed, and the raw file (its ``tell()`` is
    the bytes read so far)."""
    raw = pa.OSFile(path)
    stream = raw if compression is None else pa.CompressedInputStream(raw, compression)
    try:
        yield stream, raw
    finally:
        stream.close()
        raw.close()


def _read_batches(reader: Any, raw: Any, reporter: _Reporter) -> pa.Table:
    """Drain a streaming reader (bounded memory, unlike whole-file reads), reporting progress."""
    batches = []
    for batch in reader:
        batches.append(batch)
        reporter.update(raw.tell())
    return pa.Table.from_batches(batches, schema=reader.schema)


@contextlib.contextmanager
def _polling(reporter: _Reporter, raw: Any) -> Iterator[None]:
    """While a whole-file read blocks this thread, a poller thread reports ``raw.tell()``
    (the readers release the GIL); it is stopped before the body's caller goes on."""
    if reporter.progress is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(PROGRESS_INTERVAL_S):
            reporter.update(raw.tell())

    poller = threading.Thread(target=poll, name="azml-read-progress", daemon=True)
    poller.start()
    try:
        yield
    finally:
        stop.set()
        poller.join()


def read_delimited(
    path: str,
    delimiter: str,
    compression: str | None,
    progress: Progress | None,
    *,
    streaming: bool | None = None,
) -> pa.Table:
    """A CSV or TSV file with a header row.

    Files up to :data:`STREAMING_MIN_BYTES` are read whole, by parallel threads (fastest); larger
    ones stream in blocks (bounded memory, column types inferred from the first block; a column
    whose type changes further down makes it read the whole file). Quoted fields that span
    lines make it read again in the slower exact mode. ``streaming`` forces the choice.
    """
    encoding = diagnose.sniff_encoding(path, compression)
    convert = pa_csv.ConvertOptions(null_values=list(MISSING_TOKENS), strings_can_be_null=True)
    read = pa_csv.ReadOptions(use_threads=True, encoding=encoding.replace("-", ""))
    reporter = _Reporter(progress, os.path.getsize(path))
    newlines_in_values = False
    if streaming is None:
        streaming = reporter.total > STREAMING_MIN_BYTES
    while True:
        parse = pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values)
        try:
            with _open(path, compression) as (stream, raw):
                if streaming:
                    reader = pa_csv.open_csv(stream, read, parse, convert)
                    table = _read_batches(reader, raw, reporter)
                else:
                    with _polling(reporter, raw):
                        table = pa_csv.read_csv(stream, read, parse, convert)
            break
        except pa.ArrowInvalid as exc:
            if "Empty CSV file" in str(exc):
                raise InputError(
                    path, "there is no header row", "put the column names on the first line"
                ) from None
            if not newlines_in_values and "CSV parse error" in str(exc):
                newlines_in_values = True
                continue
            if streaming and "CSV conversion error" in str(exc):
                streaming = False
                continue
            raise _delimited_error(path, compression, encoding, delimiter, exc) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                path, f"the file is not valid {encoding.upper()} ({exc.reason})", UTF8_HINT
            ) from None
    reporter.finish()
    if encoding == "utf-8":
        _check_utf8(path, compression, delimiter, table)
    if _ends_in_open_quote(table):
        bad = diagnose.first_bad_record(path, compression, encoding, delimiter)
        if bad is not None:
            raise _delimited_error(path, compression, encoding, delimiter, None)
    return table


def _ends_in_open_quote(table: pa.Table) -> bool:
    """pyarrow reads a quote left open to the end of the file as one last, multi-line value."""
    if table.num_rows == 0:
        return False
    last = table.slice(table.num_rows - 1)
    for column in last.itercolumns():
        value = column[0].as_py() if pa.types.is_string(column.type) else None
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            return True
    return False


def _delimited_error(
    path: str, compression: str | None, encoding: str, delimiter: str, exc: Exception | None
) -> InputError:
    bad = diagnose.first_bad_record(path, compression, encoding, delimiter)
    if bad is None:
        return InputError(path, f"cannot be read: {exc}", "check that it is a well-formed table")
    if bad.fields < 0:
        return InputError(
            path,
            "a quoted field is not closed properly",
            'double a quote inside a quoted field ("") and close every quote',
            line=bad.line,
        )
    word = "many" if bad.fields > bad.expected else "few"
    return InputError(
        path,
        f"this row has {bad.fields} fields but the header has {bad.expected} (too {word})",
        "quote fields that contain the separator, or fix the row so every row has "
        "as many fields as the header",
        line=bad.line,
    )


def _check_utf8(path: str, compression: str | None, delimiter: str, table: pa.Table) -> None:
    """pyarrow reads bytes that are not UTF-8 as binary columns (or replaces them in names)."""
    try:
        names: list[str] = table.column_names
    except UnicodeDecodeError:
        names = []
    suspicious = not names or any(pa.types.is_binary(t) for t in table.schema.types)
    if not suspicious and not any("\ufffd" in name for name in names):
        return
    bad = diagnose.first_invalid_utf8(path, compression, delimiter)
    if bad is None:
        return
    column = None
    if bad.field is not None and bad.field < len(names) and bad.line > 1:
        column = names[bad.field]
    where = f" in column {column!r}" if column is not None else ""
    raise InputError(
        path,
        f"the file is not UTF-8: byte 0x{bad.byte:02X}{where} is not valid UTF-8 "
        "(probably Latin-1/Windows-1252)",
        UTF8_HINT,
        line=bad.line,
        column=column,
    )


def read_parquet(path: str, progress: Progress | None) -> pa.Table:
    """A Parquet file, row group by row group when progress is reported."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        _refuse_nested(path, parquet.schema_arrow)
        if progress is None or parquet.num_row_groups < 2:
            return parquet.read()
        reporter = _Reporter(progress, os.path.getsize(path))
        groups = []
        for index in range(parquet.num_row_groups):
            groups.append(parquet.read_row_group(index))
            reporter.update(reporter.total * (index + 1) // parquet.num_row_groups)
        reporter.finish()
        return pa.concat_tables(groups)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, "Parquet", exc) from None


def _read_arrow_file(path: str, kind: str) -> pa.Table:
    import pyarrow.feather as feather

    try:
        table = feather.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(path, kind, exc) from None
    _refuse_nested(path, table.schema)
    return table


def _unreadable(path: str, kind: str, exc: Exception) -> InputError:
    return InputError(
        path,
        f"this is not a readable {kind} file ({exc})",
        f"check that the file is complete and really {kind}, or give a CSV file",
    )


NESTED_TYPES = (pa.types.is_nested, pa.types.is_union)


def _refuse_nested(path: str, schema: pa.Schema) -> None:
    for field in schema:
        value_type = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if any(test(value_type) for test in NESTED_TYPES):
            raise InputError(
                path,
                f"column {field.name!r} has the nested type {field.type}",
                NESTED_HINT,
                column=field.name,
            )


def read_json_lines(path: str, compression: str | None, progress: Progress | None) -> pd.DataFrame:
    """JSON lines: one object per line. Columns whose type varies go through plain JSON."""
    encoding = diagnose.sniff_encoding(path, compression)
    if encoding == "utf-8":
        reporter = _Reporter(progress, os.path.getsize(path))
        try:
            with _open(path, compression) as (stream, raw):
                reader = pa_json.open_json(stream, pa_json.ReadOptions(use_threads=True))
                table = _read_batches(reader, raw, reporter)
            reporter.finish()
            return table_to_frame(table, path, None)
        except pa.ArrowInvalid:
            pass  # a syntax error or a column of mixed types: the line-by-line reader decides
    bad = diagnose.first_bad_json_line(path, compression, encoding)
    if bad is not None:
        raise InputError(
            path,
            f"this line is not a JSON object: {bad.message}",
            'write one JSON object per line (JSON lines), e.g. {"a": 1, "b": "x"}',
            line=bad.line,
        )
    with diagnose.open_text(path, compression, encoding) as text:
        records = [json.loads(line) for line in text if line.strip()]
    return records_to_frame(path, records)


JSON_LAYOUT_HINT = (
    'use a list of objects [{"a": 1}, ...], {"columns": [...], "data": [[...], ...]}, '
    'pandas\' orient="table", or JSON lines (.jsonl)'
)


def read_json(path: str) -> pd.DataFrame:
    """A ``.json`` document in one of the layouts the module docstring lists."""
    encoding = diagnose.sniff_encoding(path, None)
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding) as handle:
            document = json.load(handle)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"the file is not UTF-8 ({exc.reason})", UTF8_HINT) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            path,
            f"invalid JSON: {exc.msg} (character {exc.colno})",
            "fix the syntax (a JSON validator shows the spot)",
            line=exc.lineno,
        ) from None
    if isinstance(document, list):
        if not all(isinstance(item, dict) for item in document):
            raise InputError(path, "the list holds values that are not objects", JSON_LAYOUT_HINT)
        return records_to_frame(path, document)
    if isinstance(document, dict):
        if isinstance(document.get("schema"), dict) and isinstance(document.get("data"), list):
            return _checked_frame(path, _table_orient(path, document))
        if isinstance(document.get("columns"), list) and isinstance(document.get("data"), list):
            names = _column_names(path, [str(c) for c in document["columns"]], None)
            return _checked_frame(path, pd.DataFrame(document["data"], columns=names))
        if document and all(isinstance(v, list) for v in document.values()):
            if len({len(v) for v in document.values()}) == 1:
                return _checked_frame(path, pd.DataFrame(document))
            raise InputError(path, "the column lists have different lengths", JSON_LAYOUT_HINT)
    raise InputError(path, "this JSON layout is not a table", JSON_LAYOUT_HINT)


def _table_orient(path: str, document: dict[str, Any]) -> pd.DataFrame:
    import io

    try:
        return pd.read_json(io.StringIO(json.dumps(document)), orient="table")
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"invalid pandas table JSON ({exc})", JSON_LAYOUT_HINT) from None


def records_to_frame(path: str, records: list[Any]) -> pd.DataFrame:
    """Objects to rows: the keys, in order of first appearance, become columns."""
    return _checked_frame(path, pd.DataFrame.from_records(records) if records else pd.DataFrame())


def _checked_frame(path: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = _column_names(path, [str(c) for c in frame.columns], None)
    for name, dtype in frame.dtypes.items():
        if dtype == np.dtype(object) and any(isinstance(v, dict | list) for v in frame[name]):
            raise InputError(
                path,
                f"column {name!r} holds nested objects or lists",
                NESTED_HINT,
                column=str(name),
            )
    return frame


def _column_names(path: str, names: Sequence[str], line: int | None) -> list[str]:
    """Names as given, an empty one as ``Unnamed: <i>``; duplicates are refused."""
    fixed = [name if name != "" else f"Unnamed: {i}" for i, name in enumerate(names)]
    first: dict[str, int] = {}
    for position, name in enumerate(fixed, start=1):
        if name in first:
            raise InputError(
                path,
                f"the column name {name!r} appears twice (columns {first[name]} and {position})",
                "rename one of them: Azure ML datasets need unique column names",
                line=line,
                column=name,
            )
        first[name] = position
    return fixed


def table_to_frame(table: pa.Table, path: str, header_line: int | None) -> pd.DataFrame:
    """An Arrow table to pandas; text columns become Python strings (missing: None) one at a
    time, Arrow memory freed as it goes."""
    names = _column_names(path, table.column_names, header_line)
    _refuse_nested(path, table.schema)
    if names != table.column_names:
        table = table.rename_columns(names)
    texts: dict[int, np.ndarray] = {}
    for position, field in enumerate(table.schema):
        if any(test(field.type) for test in TEXT_TYPES):
            texts[position] = python_strings(table.column(field.name))
            table = table.drop_columns([field.name])
            release_memory()
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    if len(frame.columns) == 0:
        frame = pd.DataFrame(index=pd.RangeIndex(len(next(iter(texts.values()), []))))
    for position, values in texts.items():
        frame.insert(position, names[position], pd.Series(values, dtype=object, index=frame.index))
    return frame


TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
DEDUPLICATE_SAMPLE = 65536


def python_strings(column: pa.ChunkedArray) -> np.ndarray:
    """An object array of ``str`` and None. A column with few distinct values shares one
    string object per value (as pyarrow's own ``to_pandas`` does): less memory, and faster."""
    import pyarrow.compute as pc

    sample = column.slice(0, DEDUPLICATE_SAMPLE)
    if len(sample) == 0 or pc.count_distinct(sample).as_py() * 2 > len(sample):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
    encoded = pc.dictionary_encode(column).combine_chunks()
    words = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    if len(words) == 0:
        return np.full(len(column), None, dtype=object)
    values = words[encoded.indices.fill_null(0).to_numpy()]
    if encoded.null_count:
        values[encoded.indices.is_null().to_numpy(zero_copy_only=False)] = None
    return values


def release_memory() -> None:
    """Give memory Arrow freed back to the system (its allocator keeps it otherwise)."""
    pa.default_memory_pool().release_unused()
