"""The class of a method call's receiver, as the API surfaces name classes.

The syntax decides first (:mod:`azml_lsp.checker.frame_flow`: contract parameters, rebinding,
derived frames, helpers); jedi's inference answers what the syntax does not tell.
"""

from __future__ import annotations

import ast

from azml_lsp.checker.context import Context, FunctionNode
from azml_lsp.checker.frame_flow import PandasClass, class_at
from azml_lsp.checker.helper_modules import helper_modules
from azml_lsp.checker.inference import Kind

_KIND_CLASSES = {
    Kind.FRAME: "pandas.DataFrame",
    Kind.SERIES: "pandas.Series",
    Kind.ARRAY: "numpy.ndarray",
    Kind.DICT: "builtins.dict",
    Kind.STRING: "builtins.str",
    Kind.LIST: "builtins.list",
}
_FLOW_CLASSES = {
    PandasClass.DATAFRAME: "pandas.DataFrame",
    PandasClass.SERIES: "pandas.Series",
    PandasClass.INDEX: "pandas.Index",
    PandasClass.GROUPBY: "pandas.DataFrameGroupBy",
    PandasClass.SERIES_GROUPBY: "pandas.SeriesGroupBy",
    PandasClass.ROLLING: "pandas.Rolling",
    PandasClass.STRING_METHODS: "pandas.str",
    PandasClass.DATETIME_PROPERTIES: "pandas.dt",
    PandasClass.NDARRAY: "numpy.ndarray",
}
_ACCESSORS = {"str": "pandas.str", "dt": "pandas.dt"}
_FRAME_RESULTS = {"groupby": "pandas.DataFrameGroupBy", "rolling": "pandas.Rolling"}


def scope_of(ctx: Context, node: ast.AST) -> FunctionNode | None:
    """The innermost function around ``node`` (None: module level)."""
    line = getattr(node, "lineno", 0)
    best: FunctionNode | None = None
    for func in ctx.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        inside = func.lineno <= line <= (func.end_lineno or func.lineno)
        if inside and (best is None or func.lineno >= best.lineno):
            best = func
    return best


def receiver_class(ctx: Context, node: ast.expr) -> str | None:
    """``"pandas.DataFrame"``, ``"pandas.str"``, ``"builtins.dict"`` ... for the value ``node``
    holds, or None when it is not known."""
    flowed = _from_syntax(ctx, node)
    if flowed is not None:
        return flowed
    if isinstance(node, ast.Attribute) and node.attr in _ACCESSORS:
        if receiver_class(ctx, node.value) == "pandas.Series":
            return _ACCESSORS[node.attr]
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = node.func.attr
        if method in _FRAME_RESULTS and receiver_class(ctx, node.func.value) == "pandas.DataFrame":
            return _FRAME_RESULTS[method]
    if _column(node) and receiver_class(ctx, node.value) == "pandas.DataFrame":  # type: ignore[attr-defined]
        return "pandas.Series"
    kind = ctx.inference.kind(node, scope_of(ctx, node), jedi=True)
    return _KIND_CLASSES.get(kind)


def _from_syntax(ctx: Context, node: ast.expr) -> str | None:
    if ctx.tree is None or not hasattr(node, "lineno"):
        return None
    found = class_at(ctx.tree, node, node.lineno, node.col_offset, helper_modules(ctx))
    return None if found is None else _FLOW_CLASSES[found]


def _column(node: ast.expr) -> bool:
    """``frame["name"]``."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    )
