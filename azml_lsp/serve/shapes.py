"""The two request/response JSON shapes of a scoring endpoint.

``table`` (the classic request-response shape)::

    {"Inputs": {"input1": {"ColumnNames": [...], "Values": [[...]]}}, "GlobalParameters": {}}
    -> {"Results": {"output1": {"type": "table", "value": {
            "ColumnNames": [...], "ColumnTypes": [...], "Values": [[...]]}}}}

``records``::

    {"Inputs": {"input1": [{"col": value}, ...]}} -> {"Results": {"output1": [{...}, ...]}}

``input1``/``input2`` feed Dataset1/Dataset2; ``output1``/``output2`` are result ports 1 and 2.
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from azml_lsp.contract.entrypoint import MAX_FRAMES

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from azml_lsp.serve.schema import TableSchema

Shape = Literal["table", "records"]

#: Request input names, in port order.
INPUT_NAMES = tuple(f"input{i + 1}" for i in range(MAX_FRAMES))
SCALAR_TYPES = (str, int, float, bool, type(None))
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class RequestError(ValueError):
    """A request the service cannot run; ``target`` names the offending part."""

    def __init__(self, message: str, target: str = "request", status: int = 400) -> None:
        super().__init__(message)
        self.target = target
        self.status = status


@dataclass
class ScoreInputs:
    """A parsed request: one frame per connected input port, and the shape to answer in."""

    shape: Shape
    frames: dict[str, pd.DataFrame]


def output_name(port: int) -> str:
    return f"output{port}"


def parse_request(body: bytes) -> ScoreInputs:
    """Parse and check a request body; RequestError names what is wrong and where."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise RequestError("the body is not UTF-8 text", "body") from None
    except RecursionError:
        raise RequestError("the body's JSON is nested too deeply", "body") from None
    except json.JSONDecodeError as exc:
        raise RequestError(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            "body",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("Inputs"), dict):
        raise RequestError('the body must be a JSON object with an "Inputs" object', "Inputs")
    params = data.get("GlobalParameters", {})
    if not isinstance(params, dict):
        raise RequestError('"GlobalParameters" must be an object', "GlobalParameters")
    inputs: dict[str, Any] = data["Inputs"]
    unknown = [name for name in inputs if name not in INPUT_NAMES]
    if unknown:
        raise RequestError(
            f"unknown input(s) {', '.join(map(repr, unknown))}: use {' and/or '.join(INPUT_NAMES)}",
            "Inputs",
        )
    shapes = {name: _shape_of(name, value) for name, value in inputs.items()}
    if len(set(shapes.values())) > 1:
        raise RequestError(
            "all inputs must use the same shape: a list of records or a ColumnNames/Values table",
            "Inputs",
        )
    shape: Shape = next(iter(shapes.values()), "table")
    reader = _records_frame if shape == "records" else _table_frame
    return ScoreInputs(shape, {name: reader(name, value) for name, value in inputs.items()})


def parse_checked(body: bytes, schemas: Mapping[str, TableSchema]) -> ScoreInputs:
    """:func:`parse_request`, then each input with a fixed schema checked and cast to it."""
    from azml_lsp.serve.schema import SchemaError

    parsed = parse_request(body)
    for name, schema in schemas.items():
        if name not in parsed.frames:
            raise RequestError(f"{name} is required: send its table in Inputs", f"Inputs.{name}")
        try:
            parsed.frames[name] = schema.apply(name, parsed.frames[name])
        except SchemaError as exc:
            raise RequestError(str(exc), f"Inputs.{name}") from None
    return parsed


def _shape_of(name: str, value: Any) -> Shape:
    if isinstance(value, list):
        return "records"
    if isinstance(value, dict):
        return "table"
    raise RequestError(
        f'{name} must be a list of records or an object with "ColumnNames" and "Values"',
        f"Inputs.{name}",
    )


def _check_cell(name: str, row: int, column: str, value: Any) -> None:
    if not isinstance(value, SCALAR_TYPES):
        raise RequestError(
            f"{name}: row {row}, column {column!r} holds a {type(value).__name__}: "
            "cells must be strings, numbers, booleans or null",
            f"Inputs.{name}",
        )
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        raise RequestError(
            f"{name}: row {row}, column {column!r} holds {value}, beyond a 64-bit integer: "
            "send it as text or as a decimal number",
            f"Inputs.{name}",
        )


def _table_frame(name: str, value: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    columns, rows = value.get("ColumnNames"), value.get("Values", [])
    target = f"Inputs.{name}"
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise RequestError(f'{name}: "ColumnNames" must be a list of strings', target)
    if len(set(columns)) != len(columns):
        raise RequestError(f'{name}: "ColumnNames" has duplicates', target)
    if not isinstance(rows, list):
        raise RequestError(f'{name}: "Values" must be a list of rows', target)
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(columns):
            raise RequestError(
                f'{name}: row {i} of "Values" must be a list of {len(columns)} values, '
                f"one per column in ColumnNames",
                target,
            )
        for column, cell in zip(columns, row, strict=True):
            _check_cell(name, i, column, cell)
    return _typed(
        name, pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    )


def _records_frame(name: str, records: list[Any]) -> pd.DataFrame:
    """A frame of a list of records, built column by column in one pass over the cells (which
    checks each cell and each column's kind on the way)."""
    import pandas as pd

    columns: dict[str, list[Any]] = {}
    kinds: dict[str, set[str]] = {}
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise RequestError(f"{name}: record {i} must be an object", f"Inputs.{name}")
        for column, cell in record.items():
            _check_cell(name, i, column, cell)
            values = columns.get(column)
            if values is None:  # a column first seen here: missing in the records before
                values = columns[column] = [None] * i
                kinds[column] = set()
            values.append(cell)
            if cell is not None and cell == cell:  # NaN (JSON's extension) is a missing value
                kinds[column].add(_kind(cell))
        for values in columns.values():
            if len(values) == i:  # missing in this record
                values.append(None)
    for column, seen in kinds.items():
        _refuse_mixed(name, column, seen)
    if not columns:
        return pd.DataFrame.from_records(records, columns=[])
    return pd.DataFrame(columns, columns=list(columns))


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Reject a column that mixes text, numbers and booleans: no table type can hold it."""
    for column in frame.columns:
        _refuse_mixed(name, column, {_kind(v) for v in frame[column] if v is not None and v == v})
    return frame


def _refuse_mixed(name: str, column: Any, kinds: set[str]) -> None:
    if len(kinds) > 1:
        raise RequestError(
            f"{name}: column {column!r} mixes {' and '.join(sorted(kinds))} values; "
            "send one type per column",
            f"Inputs.{name}",
        )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else "text"


def render_outputs(shape: Shape, outputs: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The ``Results`` object for result frames, in the request's shape."""
    results: dict[str, Any] = {}
    for name, frame in outputs.items():
        columns, values = table_values(frame)
        if shape == "records":
            results[name] = [dict(zip(columns, row, strict=True)) for row in values]
        else:
            results[name] = {
                "type": "table",
                "value": {
                    "ColumnNames": columns,
                    "ColumnTypes": [column_type(frame[c]) for c in frame.columns],
                    "Values": values,
                },
            }
    return {"Results": results}


def table_values(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """Column names and JSON-ready rows (see :func:`json_cell`), converted column by column."""
    cells = [[json_cell(v) for v in column.tolist()] for _, column in frame.items()]
    rows = [list(row) for row in zip(*cells, strict=True)] if cells else [[] for _ in frame.index]
    return [str(c) for c in frame.columns], rows


def json_cell(value: Any) -> Any:
    """One cell as JSON: missing values null, numbers exact, ``"Infinity"``/``"-Infinity"`` for
    infinite numbers (JSON has none), datetimes ISO 8601 text, anything else its ``str()``."""
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return json_cell(value.item())
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


#: The classic service's type names of the dtype kinds (anything else is a String).
_SERVICE_TYPES = {
    "boolean": "Boolean",
    "float": "Double",
    "datetime": "DateTime",
    "timedelta": "TimeSpan",
}


def column_type(column: pd.Series) -> str:
    """The classic service's name for a column's type."""
    from azml_lsp.contract.columns import dtype_kind

    dtype = column.dtype
    kind = dtype_kind(dtype)
    if kind == "integer":
        return "Int32" if getattr(dtype, "itemsize", 8) <= 4 else "Int64"
    return _SERVICE_TYPES.get(kind, "String")
