"""The entry point ``azureml_main`` and how each dialect calls it (CONTRACT.md section 1)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from azml_lsp.contract.dialects import Dialect

ENTRY_POINT = "azureml_main"
RECOMMENDED_PARAMETERS = ("dataframe1", "dataframe2")
RECOMMENDED_SIGNATURE = f"def {ENTRY_POINT}(dataframe1=None, dataframe2=None):"

#: Classic passes at most this many frames; the designer passes at most this many too.
MAX_FRAMES = 2


@dataclass(frozen=True)
class ParameterShape:
    """What matters of an ``azureml_main`` signature to decide how it is called.

    Built from a live function (runtime) or from the AST (checker), so both read one rule.
    """

    positional: int = 0
    """Plain and positional-only parameters."""
    required_positional: int = 0
    """Positional parameters without a default."""
    var_positional: bool = False
    var_keyword: bool = False
    keyword_only: int = 0
    required_keyword_only: int = 0

    @property
    def total(self) -> int:
        """Every parameter counted, ``*args`` and ``**kwargs`` included (the designer's count)."""
        return self.positional + self.keyword_only + self.var_positional + self.var_keyword

    def accepts(self, n_args: int) -> bool:
        """True when ``n_args`` positional arguments bind without a TypeError."""
        if self.required_keyword_only:
            return False
        if n_args < self.required_positional:
            return False
        return n_args <= self.positional or self.var_positional

    @classmethod
    def of(cls, func: Callable[..., Any]) -> ParameterShape:
        """The shape of a live callable."""
        params = inspect.signature(func).parameters.values()
        kinds = inspect.Parameter
        positional = [
            p for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
        ]
        keyword_only = [p for p in params if p.kind is kinds.KEYWORD_ONLY]
        return cls(
            positional=len(positional),
            required_positional=sum(p.default is kinds.empty for p in positional),
            var_positional=any(p.kind is kinds.VAR_POSITIONAL for p in params),
            var_keyword=any(p.kind is kinds.VAR_KEYWORD for p in params),
            keyword_only=len(keyword_only),
            required_keyword_only=sum(p.default is kinds.empty for p in keyword_only),
        )


def argument_count(dialect: Dialect, shape: ParameterShape, connected: Sequence[bool]) -> int:
    """How many positional arguments the module passes to ``azureml_main``.

    ``connected`` tells, per input port (Dataset1, Dataset2), whether a dataset is attached.
    classic: only connected frames are passed, in port order (doc S2).
    designer: the parameter count decides: 0 -> none, 1 -> df1, 2 or more -> df1, df2 (code S13).
    """
    if dialect is Dialect.CLASSIC:
        return sum(bool(c) for c in connected[:MAX_FRAMES])
    return min(shape.total, MAX_FRAMES)


def call_arguments(
    dialect: Dialect, shape: ParameterShape, frames: Sequence[Any | None]
) -> tuple[Any, ...]:
    """The positional arguments for ``azureml_main``, given the frame (or None) of each input port."""
    ports = list(frames[:MAX_FRAMES]) + [None] * (MAX_FRAMES - len(frames[:MAX_FRAMES]))
    if dialect is Dialect.CLASSIC:
        return tuple(f for f in ports if f is not None)
    return tuple(ports[: argument_count(dialect, shape, [f is not None for f in ports])])


def port_of_parameter(dialect: Dialect, index: int) -> str:
    """Which input feeds the parameter at ``index`` (0-based), in words, for hovers and docs."""
    if index >= MAX_FRAMES:
        return "no input port: the module passes at most two frames"
    if dialect is Dialect.CLASSIC:
        if index == 0:
            return (
                "the first connected input port (Dataset1, or Dataset2 when only it is connected)"
            )
        return "Dataset2, passed only when both Dataset1 and Dataset2 are connected"
    port = ("Dataset1", "Dataset2")[index]
    return f"input port {port} (None when {port} is not connected)"
