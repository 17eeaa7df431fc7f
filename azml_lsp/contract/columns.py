"""Column names of result tables: ``str()`` then de-duplication (CONTRACT.md section 3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from azml_lsp.contract.dialects import Dialect


def output_column_names(dialect: Dialect, names: Iterable[object]) -> list[str]:
    """Every name through ``str()``, then repeats made unique left to right, per dialect.

    designer: a repeat gets ``_<n>``, the smallest n from 0 that gives an unused name
    (``a, a, a`` -> ``a, a_0, a_1``). classic: the first repeat gets `` (2)``, the next `` (3)``
    (``a, a, a`` -> ``a, a (2), a (3)``; the space is our choice, the doc is silent).
    """
    if dialect is Dialect.DESIGNER:
        return _dedupe((str(n) for n in names), "{name}_{n}", first=0)
    return _dedupe((str(n) for n in names), "{name} ({n})", first=2)


def _dedupe(names: Iterable[str], pattern: str, first: int) -> list[str]:
    used: set[str] = set()
    out: list[str] = []
    for name in names:
        if name in used:
            n = first
            while pattern.format(name=name, n=n) in used:
                n += 1
            name = pattern.format(name=name, n=n)
        used.add(name)
        out.append(name)
    return out


def dtype_kind(dtype: Any) -> str:
    """The kind of a pandas dtype: integer, float, boolean, datetime, timedelta, text, other."""
    import pandas.api.types as types

    if types.is_bool_dtype(dtype):
        return "boolean"
    if types.is_integer_dtype(dtype):
        return "integer"
    if types.is_float_dtype(dtype):
        return "float"
    if types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if types.is_string_dtype(dtype) or types.is_object_dtype(dtype):
        return "text"
    return "other"
