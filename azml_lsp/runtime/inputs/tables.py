"""Arrow tables and parsed records to the DataFrame a script receives: names, nesting, text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from azml_lsp.runtime.inputs import InputError

if TYPE_CHECKING:
    from azml_lsp.runtime.inputs.text_twins import TextTwins

NESTED_HINT = (
    "Execute Python Script inputs are flat tables: flatten or drop it first "
    "(e.g. with pandas.json_normalize, or one column per field)"
)
NESTED_TYPES = (pa.types.is_nested, pa.types.is_union)


def refuse_nested(path: str, schema: pa.Schema) -> None:
    """Refuse a struct, list, map or union column by name."""
    for field in schema:
        value_type = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if any(test(value_type) for test in NESTED_TYPES):
            raise InputError(
                path,
                f"column {field.name!r} has the nested type {field.type}",
                NESTED_HINT,
                column=field.name,
            )


def column_names(path: str, names: Sequence[str], line: int | None) -> list[str]:
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


class LoadedFrame(NamedTuple):
    """A file's table as pandas, before the contract's input rules."""

    frame: pd.DataFrame
    #: Positions of the text columns already in their final form (``str`` and ``None``).
    text_ready: frozenset[int] = frozenset()


def table_to_frame(
    table: pa.Table, path: str, header_line: int | None, twins: TextTwins | None = None
) -> LoadedFrame:
    """An Arrow table to pandas; text columns become Python strings (missing: None) one at a
    time, Arrow memory freed as it goes (``twins``: keep each text column's Arrow array)."""
    names = column_names(path, table.column_names, header_line)
    refuse_nested(path, table.schema)
    if names != table.column_names:
        table = table.rename_columns(names)
    texts: dict[int, np.ndarray] = {}
    for position, field in enumerate(table.schema):
        if any(test(field.type) for test in TEXT_TYPES):
            arrow = table.column(field.name)
            texts[position] = python_strings(arrow)
            if twins is not None:
                twins.remember(texts[position], arrow)
            del arrow
            table = table.drop_columns([field.name])
            release_memory()
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    if len(frame.columns) == 0:
        frame = pd.DataFrame(index=pd.RangeIndex(len(next(iter(texts.values()), []))))
    for position, values in texts.items():
        column = pd.Series(values, dtype=object, index=frame.index, copy=False)  # a fresh array
        frame.insert(position, names[position], column)
    return LoadedFrame(frame, frozenset(texts))


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


def checked_frame(path: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A frame parsed from JSON: names as text and unique, no nested objects or lists."""
    frame.columns = column_names(path, [str(c) for c in frame.columns], None)
    for name, dtype in frame.dtypes.items():
        if dtype == np.dtype(object) and any(isinstance(v, dict | list) for v in frame[name]):
            raise InputError(
                path,
                f"column {name!r} holds nested objects or lists",
                NESTED_HINT,
                column=str(name),
            )
    return frame
