"""Readers of each input format, on pyarrow: fast, multi-threaded, with progress.

Runs in the child only. Every failure becomes an :class:`~azml_lsp.runtime.inputs.InputError`
that names the file, the line and column where they apply, and what to do.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.csv as pa_csv

from azml_lsp.runtime.inputs import MISSING_TOKENS, UTF8_HINT, InputError, Progress, diagnose
from azml_lsp.runtime.inputs.json_files import read_json, read_json_lines
from azml_lsp.runtime.inputs.streams import Reporter, open_stream, polling, read_batches
from azml_lsp.runtime.inputs.tables import (
    LoadedFrame,
    refuse_nested,
    release_memory,
    table_to_frame,
)

__all__ = ["read_delimited", "read_frame", "read_parquet", "release_memory"]

if TYPE_CHECKING:
    from azml_lsp.runtime.inputs.text_twins import TextTwins

DELIMITERS = {"csv": ",", "tsv": "\t"}


def read_frame(
    path: str,
    fmt: str,
    compression: str | None,
    progress: Progress | None,
    twins: TextTwins | None = None,
) -> LoadedFrame:
    """Read ``path`` of format ``fmt`` into a DataFrame (before the contract's input rules);
    ``twins`` keeps the Arrow arrays of its text columns."""
    if fmt in DELIMITERS:
        table = read_delimited(path, DELIMITERS[fmt], compression, progress)
        return table_to_frame(table, path, 1, twins)
    if fmt == "parquet":
        return table_to_frame(read_parquet(path, progress), path, None, twins)
    if fmt == "feather":
        return table_to_frame(_read_arrow_file(path, "Arrow/Feather"), path, None, twins)
    if fmt == "jsonl":
        return read_json_lines(path, compression, progress)
    if fmt == "json":
        return LoadedFrame(read_json(path))
    raise AssertionError(fmt)


STREAMING_MIN_BYTES = 512 * 1024 * 1024
"""Text files larger than this are read in blocks: less memory, a little slower."""


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
    if encoding == "utf-8":
        diagnose.refuse_nul_bytes(path, compression)
    if delimiter == ",":
        delimiter = diagnose.comma_or_semicolon(path, compression, encoding)
    convert = pa_csv.ConvertOptions(null_values=list(MISSING_TOKENS), strings_can_be_null=True)
    read = pa_csv.ReadOptions(use_threads=True, encoding=encoding.replace("-", ""))
    reporter = Reporter(progress, os.path.getsize(path))
    newlines_in_values = False
    if streaming is None:
        streaming = reporter.total > STREAMING_MIN_BYTES
    while True:
        parse = pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values)
        try:
            with open_stream(path, compression) as (stream, raw):
                if streaming:
                    reader = pa_csv.open_csv(stream, read, parse, convert)
                    table = read_batches(reader, raw, reporter)
                else:
                    with polling(reporter, raw):
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
            raise _bad_record_error(path, bad)
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
    path: str, compression: str | None, encoding: str, delimiter: str, exc: Exception
) -> InputError:
    bad = diagnose.first_bad_record(path, compression, encoding, delimiter)
    if bad is None:
        return InputError(path, f"cannot be read: {exc}", "check that it is a well-formed table")
    return _bad_record_error(path, bad)


def _bad_record_error(path: str, bad: diagnose.BadRecord) -> InputError:
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
        refuse_nested(path, parquet.schema_arrow)
        if progress is None or parquet.num_row_groups < 2:
            return parquet.read()
        reporter = Reporter(progress, os.path.getsize(path))
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
    refuse_nested(path, table.schema)
    return table


def _unreadable(path: str, kind: str, exc: Exception) -> InputError:
    return InputError(
        path,
        f"this is not a readable {kind} file ({exc})",
        f"check that the file is complete and really {kind}, or give a CSV file",
    )
