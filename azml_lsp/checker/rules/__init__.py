"""The checks, grouped by rule family. Importing this package registers every rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from azml_lsp.checker.context import Context
from azml_lsp.checker.rules import (
    cloud_packages,
    entry,
    imports,
    migration,
    pandas_api,
    returns,
    runtime,
    signature,
    surface_api,
    syntax,
)


@dataclass(frozen=True)
class Check:
    """A function that may report the given codes; it runs only when one of them is enabled."""

    codes: tuple[str, ...]
    run: Callable[[Context], None]
    needs_tree: bool = True


CHECKS: tuple[Check, ...] = tuple(
    Check(codes, run, needs_tree)
    for module in (
        entry,
        signature,
        returns,
        syntax,
        pandas_api,
        surface_api,
        imports,
        cloud_packages,
        runtime,
        migration,
    )
    for codes, run, needs_tree in module.CHECKS
)
