"""AZ2xx: every ``return`` of ``azureml_main`` gives the module tables it can use."""

from __future__ import annotations

import ast

from azml_lsp.checker.context import Context, FunctionNode, own_nodes
from azml_lsp.checker.inference import Kind
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract import ENTRY_POINT, Dialect, Outcome
from azml_lsp.contract.returns import CLASSIC_SHAPE_HINT

NO_RETURN = register(Rule(
    "AZ201", "no-return-value", Severity.ERROR,
    f"Reports an `{ENTRY_POINT}` that returns nothing (no `return`, a bare `return` or "
    "`return None`).",
    "Studio (classic) needs a DataFrame in a sequence and fails without one (error); the "
    "designer writes empty tables on both outputs (info).",
    "def azureml_main(dataframe1=None, dataframe2=None):\n    dataframe1['total'] = 1",
    "Return the result: `return dataframe1,`.",
))  # fmt: skip
BARE_FRAME = register(Rule(
    "AZ202", "bare-dataframe-return", Severity.WARNING,
    "classic: reports `return df` where `df` is a DataFrame.",
    "Studio (classic) documents a sequence whose first element is the DataFrame; a bare "
    "DataFrame worked but is undocumented.",
    "def azureml_main(dataframe1=None):\n    return dataframe1",
    "Return a one-element tuple: `return dataframe1,`.",
    needs_jedi=True,
    fixable=True,
))  # fmt: skip
LIST_RETURN = register(Rule(
    "AZ203", "list-return", Severity.ERROR,
    "designer: reports `return [df1, df2]`.",
    "The designer unpacks only tuples: a list of DataFrames is one value it cannot convert "
    "(\"Unsupported return type ... <class 'list'>\", error 0085).",
    "def azureml_main(dataframe1=None, dataframe2=None):\n    return [dataframe1, dataframe2]",
    "Return a tuple: `return dataframe1, dataframe2`.",
    needs_jedi=True,
    fixable=True,
))  # fmt: skip
EXTRA_ITEMS = register(Rule(
    "AZ204", "extra-returned-items", Severity.WARNING,
    "Reports returned sequences with more items than the dialect has output table ports "
    "(classic: 1, designer: 2).",
    "The items past the table ports are silently dropped.",
    "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1, dataframe2, "
    "dataframe1",
    "Return only what the ports take; merge extra tables into one or save them to files.",
))  # fmt: skip
NOT_TABLE = register(Rule(
    "AZ205", "value-not-a-table", Severity.ERROR,
    "Reports returned values that cannot become a result table: anything but a DataFrame in "
    "classic (error), a model object in the designer (warning).",
    "Studio (classic) needs a DataFrame; the designer turns other objects into a one-cell "
    "table holding their text, which is rarely what was meant.",
    "def azureml_main(dataframe1=None):\n    model = LinearRegression().fit(X, y)\n    "
    "return model",
    "Return a DataFrame; store a model pickled into a DataFrame cell (classic) or save it "
    "as a file.",
    needs_jedi=True,
))  # fmt: skip
EMPTY = register(Rule(
    "AZ206", "empty-tuple-return", Severity.ERROR,
    "Reports `return ()` (and `return []`).",
    "Both dialects index the first item of the returned sequence: an empty one fails with an "
    "IndexError (error 0085).",
    "def azureml_main(dataframe1=None):\n    return ()",
    "Return at least one DataFrame: `return dataframe1,`.",
))  # fmt: skip

_CODES = ("AZ201", "AZ202", "AZ203", "AZ204", "AZ205", "AZ206")


def check_returns(ctx: Context) -> None:
    """AZ201-AZ206 on each ``return`` of the entry point."""
    func = ctx.entry_function
    if func is None or any(isinstance(n, ast.Yield | ast.YieldFrom) for n in own_nodes(func)):
        return
    returns = [n for n in own_nodes(func) if isinstance(n, ast.Return)]
    returns.sort(key=lambda n: (n.lineno, n.col_offset))
    valued = [r for r in returns if r.value is not None and not _is_none(r.value)]
    if not valued and not _ends_in_raise(func):
        targets: list[ast.AST] = [r for r in returns] or [func]
        for target in targets:
            _none(ctx, target)
    for node in valued:
        assert node.value is not None
        _value(ctx, func, node.value)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _ends_in_raise(func: FunctionNode) -> bool:
    return isinstance(func.body[-1], ast.Raise)


def _none(ctx: Context, target: ast.AST) -> None:
    outcome = ctx.returns.none
    where = ctx.span(target)
    if isinstance(target, ast.FunctionDef | ast.AsyncFunctionDef):
        where = ctx.whole_line(target.lineno)
    if outcome is Outcome.ERROR:
        ctx.report(
            NO_RETURN.code,
            where,
            f"`{ENTRY_POINT}` returns nothing: Studio (classic) fails without a result; "
            "return a DataFrame in a tuple, for example `return dataframe1,`",
        )
    elif outcome is Outcome.EMPTY:
        ctx.report(
            NO_RETURN.code,
            where,
            f"`{ENTRY_POINT}` returns nothing: both output ports get empty tables; return the "
            "result, for example `return dataframe1,`",
            severity=Severity.INFO,
        )


def _value(ctx: Context, func: FunctionNode, value: ast.expr) -> None:
    rules = ctx.returns
    if isinstance(value, ast.Tuple | ast.List):
        container = "tuple" if isinstance(value, ast.Tuple) else "list"
        if container in rules.unpacked:
            _sequence(ctx, func, value, container)
        elif any(_tableish(ctx, func, e) for e in value.elts):
            ctx.report(
                LIST_RETURN.code,
                value,
                "the designer unpacks only tuples: this list is one value it cannot convert "
                "(error 0085); return a tuple instead",
                Fix("Return a tuple", [ctx.replace(value, _as_tuple(ctx, value.elts))]),
            )
        return
    needs_jedi = ctx.wants("AZ202", "AZ205")
    kind = ctx.inference.kind(value, func, jedi=needs_jedi)
    if kind is Kind.FRAME:
        if rules.bare_dataframe is Outcome.WARN:
            ctx.report(
                BARE_FRAME.code,
                value,
                "bare DataFrame returned: Studio (classic) documents a sequence; return "
                f"`{ctx.segment(value)},` (a one-element tuple)",
                Fix("Wrap in a tuple", [_append_comma(ctx, value)]),
            )
    elif kind is Kind.NONE:
        _none(ctx, value)
    else:
        _single(ctx, value, kind)


def _single(ctx: Context, value: ast.expr, kind: Kind) -> None:
    if kind is Kind.MODEL:
        ctx.report(
            NOT_TABLE.code,
            value,
            f"`{ENTRY_POINT}` returns {kind.value}, not a table: "
            + (
                "Studio (classic) fails; pickle the model into a DataFrame cell or save it"
                if ctx.config.dialect is Dialect.CLASSIC
                else "the designer writes a one-cell table holding its text; save the model "
                "as a file and return a DataFrame"
            ),
            severity=None if ctx.config.dialect is Dialect.CLASSIC else Severity.WARNING,
        )
    elif not ctx.returns.converts_other_values and kind in (
        Kind.STRING,
        Kind.NUMBER,
        Kind.DICT,
        Kind.SERIES,
    ):
        ctx.report(
            NOT_TABLE.code,
            value,
            f"`{ENTRY_POINT}` returns {kind.value}: {CLASSIC_SHAPE_HINT}",
        )


def _sequence(
    ctx: Context, func: FunctionNode, value: ast.Tuple | ast.List, container: str
) -> None:
    rules = ctx.returns
    items = value.elts
    if not items:
        if rules.empty_sequence is Outcome.ERROR:
            ctx.report(
                EMPTY.code,
                value,
                f"empty {container} returned: the module reads its first item and fails with "
                "an IndexError (error 0085); return `dataframe1,`",
            )
        return
    if len(items) > rules.table_ports and rules.extra_items is not Outcome.OK:
        ctx.report(
            EXTRA_ITEMS.code,
            (*ctx.span(items[rules.table_ports])[:2], *ctx.span(items[-1])[2:]),
            f"{len(items)} items returned but {ctx.config.dialect.value} has "
            f"{rules.table_ports} table output(s): items after the first {rules.table_ports} "
            "are dropped",
        )
    for item in items[: rules.table_ports]:
        if _is_none(item):
            continue
        kind = ctx.inference.kind(item, func, jedi=ctx.wants("AZ205"))
        if kind not in (Kind.FRAME, Kind.UNKNOWN, Kind.TUPLE):
            _single(ctx, item, kind)


def _tableish(ctx: Context, func: FunctionNode, node: ast.expr) -> bool:
    kind = ctx.inference.kind(node, func, jedi=True)
    return kind in (Kind.FRAME, Kind.SERIES, Kind.UNKNOWN)


def _as_tuple(ctx: Context, items: list[ast.expr]) -> str:
    parts = [ctx.segment(e) for e in items]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _append_comma(ctx: Context, value: ast.expr) -> TextEdit:
    _, _, end_line, end_column = ctx.span(value)
    return TextEdit(end_line, end_column, end_line, end_column, ",")


CHECKS = [(_CODES, check_returns, True)]
