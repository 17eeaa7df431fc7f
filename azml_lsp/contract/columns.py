"""Column names of result tables: ``str()`` then de-duplication (CONTRACT.md section 3)."""

from __future__ import annotations

from collections.abc import Iterable

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
