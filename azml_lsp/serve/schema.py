"""Expected input columns, taken from a sample dataset, and how request values are cast to them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

ColumnKind = Literal["integer", "number", "boolean", "datetime", "string"]

#: JSON Schema of one value of each column kind (``null`` is always allowed: a missing value).
KIND_JSON_SCHEMA: dict[ColumnKind, dict[str, Any]] = {
    "integer": {"type": "integer", "nullable": True},
    "number": {"type": "number", "nullable": True},
    "boolean": {"type": "boolean", "nullable": True},
    "datetime": {"type": "string", "format": "date-time", "nullable": True},
    "string": {"type": "string", "nullable": True},
}

SAMPLE_ROWS = 1000


class SchemaError(ValueError):
    """A request table does not fit the expected columns; the message names the column."""


@dataclass(frozen=True)
class TableSchema:
    """Ordered column names and kinds one input must have."""

    columns: tuple[tuple[str, ColumnKind], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> TableSchema:
        return cls(tuple((str(name), column_kind(frame[name])) for name in frame.columns))

    @classmethod
    def from_file(cls, path: Path) -> TableSchema:
        """The schema of a sample dataset (CSV, TSV or Parquet)."""
        return cls.from_frame(read_sample(path))

    def apply(self, input_name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with exactly the expected columns, cast to their kinds; SchemaError if not."""
        if frame.empty and not len(frame.columns):
            frame = frame.reindex(columns=self.names)
        missing = [n for n in self.names if n not in frame.columns]
        extra = [str(n) for n in frame.columns if n not in self.names]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing column(s) {', '.join(map(repr, missing))}")
            if extra:
                parts.append(f"unknown column(s) {', '.join(map(repr, extra))}")
            raise SchemaError(
                f"{input_name}: {'; '.join(parts)}; expected columns: {', '.join(self.names)}"
            )
        frame = frame[self.names].copy()
        for name, kind in self.columns:
            frame[name] = cast_column(input_name, name, kind, frame[name])
        return frame


def column_kind(column: pd.Series) -> ColumnKind:
    """The kind of a loaded column."""
    from pandas.api import types

    if types.is_bool_dtype(column.dtype):
        return "boolean"
    if types.is_integer_dtype(column.dtype):
        return "integer"
    if types.is_float_dtype(column.dtype):
        return "number"
    if types.is_datetime64_any_dtype(column.dtype):
        return "datetime"
    return "string"


def cast_column(input_name: str, name: str, kind: ColumnKind, column: pd.Series) -> pd.Series:
    """``column`` converted to ``kind``; missing values stay missing."""
    import pandas as pd

    present = column[column.notna()]
    try:
        if kind in ("integer", "number"):
            if any(isinstance(v, bool | str) for v in present):
                raise ValueError("not a number")
            numbers = pd.to_numeric(column, errors="raise")
            if kind == "integer" and not (numbers.dropna() % 1 == 0).all():
                raise ValueError("not a whole number")
            if kind == "integer" and numbers.notna().all():
                return numbers.astype("int64")
            return numbers.astype("float64")
        if kind == "boolean":
            if not all(isinstance(v, bool) for v in present):
                raise ValueError("not true/false")
            return column.astype(bool) if len(present) == len(column) else column.astype(object)
        if kind == "datetime":
            return pd.to_datetime(column, errors="raise", format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise SchemaError(
            f"{input_name}: column {name!r} must hold {kind} values ({exc})"
        ) from None
    return column.map(lambda v: None if v is None else str(v)).astype(object)


def read_sample(path: Path) -> pd.DataFrame:
    """The first rows of a sample dataset."""
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path).head(SAMPLE_ROWS)
    if suffix in (".csv", ".tsv", ".txt"):
        sep = "\t" if suffix == ".tsv" else ","
        return pd.read_csv(path, sep=sep, nrows=SAMPLE_ROWS)
    raise SchemaError(f"{path}: unsupported sample format {suffix!r}: use .csv, .tsv or .parquet")
