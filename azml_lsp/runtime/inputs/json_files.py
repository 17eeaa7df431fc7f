"""JSON inputs: JSON lines (streamed by pyarrow; by Python when types vary) and JSON documents."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.json as pa_json

from azml_lsp.runtime.inputs import UTF8_HINT, InputError, Progress, diagnose
from azml_lsp.runtime.inputs.streams import Reporter, open_stream, read_batches
from azml_lsp.runtime.inputs.tables import (
    LoadedFrame,
    checked_frame,
    column_names,
    table_to_frame,
)


def read_json_lines(path: str, compression: str | None, progress: Progress | None) -> LoadedFrame:
    """JSON lines: one object per line. Columns whose type varies go through plain JSON."""
    encoding = diagnose.sniff_encoding(path, compression)
    if encoding == "utf-8":
        diagnose.refuse_nul_bytes(path, compression)
        reporter = Reporter(progress, os.path.getsize(path))
        try:
            with open_stream(path, compression) as (stream, raw):
                reader = pa_json.open_json(stream, pa_json.ReadOptions(use_threads=True))
                table = read_batches(reader, raw, reporter)
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
    return LoadedFrame(records_to_frame(path, records))


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
            return checked_frame(path, _table_orient(path, document))
        if isinstance(document.get("columns"), list) and isinstance(document.get("data"), list):
            names = column_names(path, [str(c) for c in document["columns"]], None)
            return checked_frame(path, pd.DataFrame(document["data"], columns=names))
        if document and all(isinstance(v, list) for v in document.values()):
            if len({len(v) for v in document.values()}) == 1:
                return checked_frame(path, pd.DataFrame(document))
            raise InputError(path, "the column lists have different lengths", JSON_LAYOUT_HINT)
    raise InputError(path, "this JSON layout is not a table", JSON_LAYOUT_HINT)


def _table_orient(path: str, document: dict[str, Any]) -> pd.DataFrame:
    try:
        return pd.read_json(io.StringIO(json.dumps(document)), orient="table")
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"invalid pandas table JSON ({exc})", JSON_LAYOUT_HINT) from None


def records_to_frame(path: str, records: list[Any]) -> pd.DataFrame:
    """Objects to rows: the keys, in order of first appearance, become columns."""
    return checked_frame(path, pd.DataFrame.from_records(records) if records else pd.DataFrame())
