"""AZ4xx: pandas APIs that the cloud's pandas or the local pandas no longer has."""

from __future__ import annotations

import ast
from functools import cache

from azml_lsp.checker.context import Context
from azml_lsp.checker.inference import Kind
from azml_lsp.checker.model import Severity
from azml_lsp.checker.receivers import receiver_class, scope_of
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract.pandas_api import (
    POSITIONAL_AXIS_REMOVED_IN,
    REMOVED_ARGUMENTS,
    REMOVED_FUNCTIONS,
    REMOVED_IMPORTS,
    REMOVED_METHODS,
    RemovedApi,
    version_tuple,
)
from azml_lsp.contract.twins import LOCAL

REMOVED = register(Rule(
    "AZ401", "removed-pandas-api", Severity.ERROR,
    "Reports pandas methods, functions and modules that were removed: an error when the "
    "cloud's pandas (classic 0.18, designer 1.1) no longer has them, a warning when only the "
    "local pandas lacks them.",
    "Scripts copied from old material use `.ix`, `.as_matrix()`, `DataFrame.sort`, "
    "`pd.rolling_mean` or `DataFrame.append`; they fail with AttributeError where pandas is "
    "newer than the API.",
    "def azureml_main(dataframe1=None):\n    x = dataframe1.as_matrix()\n    return dataframe1,",
    "Use the replacement named in the message (`.to_numpy()`, `.loc`/`.iloc`, "
    "`.sort_values()`, `.rolling(n).mean()`, `pd.concat`).",
    needs_jedi=True,
))  # fmt: skip
REMOVED_ARGUMENT = register(Rule(
    "AZ402", "removed-pandas-argument", Severity.ERROR,
    "Reports removed pandas arguments: `read_csv(error_bad_lines=...)`, `squeeze=`, "
    "`to_csv(line_terminator=...)`, `fillna(method=...)`, `drop(labels, 1)` ...",
    "They raise TypeError under the pandas that removed them.",
    "frame = pd.read_csv('data.csv', error_bad_lines=False)",
    "Use the replacement named in the message (`on_bad_lines='skip'`, `axis=1`, `.ffill()`).",
))  # fmt: skip
CHAINED = register(Rule(
    "AZ403", "chained-assignment", Severity.WARNING,
    "Reports assignments through two subscripts, such as `df['a'][mask] = 0`.",
    "Under copy-on-write (pandas 3) the first subscript is a copy, so the assignment silently "
    "changes nothing; older pandas only warned.",
    "dataframe1['price'][dataframe1['price'] < 0] = 0",
    "Assign in one step with `.loc`: `dataframe1.loc[dataframe1['price'] < 0, 'price'] = 0`.",
))  # fmt: skip


@cache
def local_pandas() -> str | None:
    """The installed pandas version, without importing pandas."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pandas")
    except PackageNotFoundError:
        return None


def _report(ctx: Context, code: str, node: ast.AST, api: RemovedApi, what: str) -> None:
    cloud = ctx.config.pandas
    removed = version_tuple(api.removed_in)
    env = ctx.config.env
    runtime = f"the {env} twin" if env else f"the {ctx.config.dialect.value} runtime"
    if removed <= version_tuple(cloud):
        ctx.report(
            code,
            node,
            f"{what} was removed in pandas {api.removed_in}; {runtime} has pandas {cloud}: "
            f"use {api.replacement}",
        )
        return
    local = local_pandas()
    fails_here = local is not None and version_tuple(local) >= removed
    if env and env != LOCAL:
        where = f"the cloud's pandas {cloud} (and the {env} twin) runs it"
        here = f", as the pandas {local} installed here does" if fails_here else ""
        ctx.report(
            code,
            node,
            f"{what} was removed in pandas {api.removed_in}: {where}, but pandas "
            f"{api.removed_in} and newer reject it{here}; use {api.replacement}",
            severity=Severity.WARNING,
        )
        return
    here = f"the pandas {local} installed here" if fails_here else "newer pandas"
    ctx.report(
        code,
        node,
        f"{what} was removed in pandas {api.removed_in}: it works in the cloud's pandas {cloud} "
        f"but fails with {here}; use {api.replacement}",
        severity=Severity.WARNING,
    )


def check_removed(ctx: Context) -> None:
    """AZ401 on attribute access, ``pandas.<name>`` and imports."""
    for attribute in ctx.nodes(ast.Attribute):
        api = REMOVED_METHODS.get(attribute.attr)
        if api is not None:
            if api.shared_name and not _is_pandas_object(ctx, attribute.value):
                continue
            _report(ctx, REMOVED.code, attribute, api, f"`.{attribute.attr}`")
        elif attribute.attr in REMOVED_FUNCTIONS:
            origin = ctx.inference.origin(attribute) or ""
            if origin == f"pandas.{attribute.attr}":
                api = REMOVED_FUNCTIONS[attribute.attr]
                _report(ctx, REMOVED.code, attribute, api, f"`pandas.{attribute.attr}`")
    for node in ctx.nodes(ast.ImportFrom):
        if node.lineno in ctx.import_guarded_lines:
            continue
        module = node.module or ""
        for alias in node.names:
            api = REMOVED_IMPORTS.get((module, alias.name))
            if api is None and module == "pandas":
                api = REMOVED_FUNCTIONS.get(alias.name)
            if api is None and module.startswith("pandas.tools"):
                api = REMOVED_FUNCTIONS["tools"]
            if api is not None:
                _report(ctx, REMOVED.code, node, api, f"`from {module} import {alias.name}`")
    for imp in ctx.nodes(ast.Import):
        if imp.lineno in ctx.import_guarded_lines:
            continue
        for alias in imp.names:
            if alias.name.startswith("pandas.tools"):
                _report(ctx, REMOVED.code, imp, REMOVED_FUNCTIONS["tools"], f"`{alias.name}`")


def _is_pandas_object(ctx: Context, node: ast.expr) -> bool:
    return receiver_class(ctx, node) in ("pandas.DataFrame", "pandas.Series")


def check_arguments(ctx: Context) -> None:
    """AZ402 on calls with removed keywords and ``drop(labels, 1)``."""
    for call in ctx.nodes(ast.Call):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name is None:
            continue
        for keyword in call.keywords:
            api = REMOVED_ARGUMENTS.get((name, keyword.arg or ""))
            if api is not None:
                _report(ctx, REMOVED_ARGUMENT.code, keyword, api, f"`{name}({keyword.arg}=...)`")
        if name == "drop" and isinstance(func, ast.Attribute) and len(call.args) >= 2:
            api = RemovedApi("drop(labels, axis)", POSITIONAL_AXIS_REMOVED_IN, "`axis=...`")
            _report(
                ctx,
                REMOVED_ARGUMENT.code,
                call.args[1],
                api,
                "passing the axis of `.drop` positionally",
            )


def check_chained(ctx: Context) -> None:
    """AZ403 on ``x[a][b] = value``."""
    for assign in ctx.nodes(ast.Assign, ast.AugAssign):
        targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
        for target in targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Subscript)
                and _frame_column(ctx, target.value)
            ):
                ctx.report(
                    CHAINED.code,
                    target,
                    "chained assignment: under pandas copy-on-write the first `[...]` is a copy "
                    "and this assignment changes nothing; assign with one `.loc[rows, column]`",
                )


def _frame_column(ctx: Context, node: ast.Subscript) -> bool:
    """``df['a']``, ``df.loc[...]`` or ``df.iloc[...]`` as the first subscript."""
    if isinstance(node.value, ast.Attribute) and node.value.attr in ("loc", "iloc", "ix"):
        return True
    by_name = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
    kind = ctx.inference.kind(node.value, scope_of(ctx, node), jedi=by_name)
    return kind is Kind.FRAME


CHECKS = [
    (("AZ401",), check_removed, True),
    (("AZ402",), check_arguments, True),
    (("AZ403",), check_chained, True),
]
