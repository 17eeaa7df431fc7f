"""AZ0xx: the entry point ``azureml_main`` exists once, at top level, as a plain function."""

from __future__ import annotations

import ast

from azml_lsp.checker.context import Context, own_nodes
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract import ENTRY_POINT, RECOMMENDED_SIGNATURE

MISSING = register(Rule(
    "AZ001", "missing-entry-point", Severity.ERROR,
    f"Reports a script that defines no top-level function `{ENTRY_POINT}`.",
    "The module imports the script and calls `azureml_main`; without it every run fails with "
    "error 0085 (\"module has no attribute 'azureml_main'\").",
    "import pandas as pd\n\ndef main(df):  # the module never calls this\n    return df,",
    f"Define `{RECOMMENDED_SIGNATURE}` at the top level and return the result from it.",
    fixable=True,
))  # fmt: skip
NOT_TOP_LEVEL = register(Rule(
    "AZ002", "entry-point-not-top-level", Severity.ERROR,
    f"Reports `{ENTRY_POINT}` defined only inside a class or function (error) or only inside "
    "an `if`/`try`/`with`/loop block (warning).",
    "The module looks the function up as an attribute of the script module: a method or a "
    "nested function is not one, and a definition inside a block exists only when that branch "
    "runs.",
    "class Job:\n    def azureml_main(self, dataframe1=None):\n        return dataframe1,",
    "Move the definition to the top level of the script, unindented.",
))  # fmt: skip
REDEFINED = register(Rule(
    "AZ003", "entry-point-redefined", Severity.WARNING,
    f"Reports every top-level definition of `{ENTRY_POINT}` that a later one replaces.",
    "Only the last definition counts; edits to an earlier one silently have no effect (real "
    "scripts defined it up to four times).",
    "def azureml_main(df):\n    return df,\n\ndef azureml_main(df):  # only this one runs\n"
    "    return df.dropna(),",
    "Delete or rename the earlier definitions.",
))  # fmt: skip
ASYNC = register(Rule(
    "AZ004", "async-entry-point", Severity.ERROR,
    f"Reports `async def {ENTRY_POINT}`.",
    "The module calls the function without awaiting it, so it gets a coroutine object instead "
    "of a result and the body never runs.",
    "async def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,",
    "Make it a plain `def`; run any asynchronous code with `asyncio.run(...)` inside it.",
    fixable=True,
))  # fmt: skip
GENERATOR = register(Rule(
    "AZ005", "generator-entry-point", Severity.ERROR,
    f"Reports a `{ENTRY_POINT}` that contains `yield`, which makes it a generator.",
    "Calling a generator function returns a generator object without running the body; the "
    "module cannot turn that into a table.",
    "def azureml_main(dataframe1=None):\n    yield dataframe1",
    "Replace `yield` with `return`; collect several values into a tuple.",
))  # fmt: skip
NOT_FUNCTION = register(Rule(
    "AZ006", "entry-point-not-a-function", Severity.ERROR,
    f"Reports `{ENTRY_POINT} = ...` assigned a lambda (warning) or a value that cannot be "
    "called (error).",
    "A non-callable value fails at call time with error 0085; a lambda works, but error "
    "messages then show `<lambda>` instead of the line in `azureml_main`.",
    "azureml_main = lambda dataframe1=None: (dataframe1,)",
    f"Write a real function: `{RECOMMENDED_SIGNATURE}`.",
))  # fmt: skip
DECORATED = register(Rule(
    "AZ007", "decorated-entry-point", Severity.WARNING,
    f"Reports decorators on `{ENTRY_POINT}`.",
    "The designer counts the parameters of the object it finds; a decorator that returns a "
    "wrapper with `*args, **kwargs` changes how many frames it passes.",
    "@timed\ndef azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,",
    "Call the helper inside the function body instead of decorating the entry point, or make "
    "sure the decorator keeps the signature (`functools.wraps` is not enough for the count).",
))  # fmt: skip

_BLOCK_WORDS = {
    ast.If: "if",
    ast.Try: "try",
    ast.ExceptHandler: "except",
    ast.With: "with",
    ast.For: "for",
    ast.While: "while",
    ast.AsyncWith: "async with",
    ast.AsyncFor: "async for",
}
_BLOCKS = tuple(_BLOCK_WORDS)
_SCOPES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, *_BLOCKS)


def check_definitions(ctx: Context) -> None:
    """AZ001, AZ002, AZ003, AZ006."""
    if not ctx.entry_points:
        nested = [
            f for f in ctx.nodes(ast.FunctionDef, ast.AsyncFunctionDef) if f.name == ENTRY_POINT
        ]
        if nested:
            for func in nested:
                _not_top_level(ctx, func)
        else:
            _missing(ctx)
    for earlier in ctx.entry_points[:-1]:
        ctx.report(
            REDEFINED.code,
            _name_range(ctx, earlier),
            f"`{ENTRY_POINT}` is defined again on line {ctx.entry_points[-1].lineno}; only the "
            "last definition runs: delete or rename this one",
        )
    if ctx.entry_points:
        _assigned(ctx, ctx.entry_points[-1])


def _missing(ctx: Context) -> None:
    end = len(ctx.lines) + 1
    last = ctx.lines[-1] if ctx.lines else ""
    gap = "" if not last else ("\n" if last.endswith(("\n", "\r")) else "\n\n")
    stub = f"{gap}\n{RECOMMENDED_SIGNATURE}\n    return dataframe1,\n"
    line = len(ctx.lines)
    column = len(last.rstrip("\r\n")) + 1 if last else 1
    if last.endswith(("\n", "\r")):
        line, column = end, 1
    ctx.report(
        MISSING.code,
        (1, 1, 1, 1),
        f"no top-level `{ENTRY_POINT}` function: the module fails with error 0085; define "
        f"`{RECOMMENDED_SIGNATURE}`",
        Fix(
            f"Add `{ENTRY_POINT}`",
            [TextEdit(max(line, 1), column, max(line, 1), column, stub)],
            safe=False,
        ),
    )


def _not_top_level(ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    container = _container(ctx, func)
    if isinstance(container, _BLOCKS):
        ctx.report(
            NOT_TOP_LEVEL.code,
            _name_range(ctx, func),
            f"`{ENTRY_POINT}` is defined only inside a `{_BLOCK_WORDS[type(container)]}` "
            "block: it exists only when that branch runs; move it to the top level",
            severity=Severity.WARNING,
        )
    else:
        what = "class" if isinstance(container, ast.ClassDef) else "function"
        ctx.report(
            NOT_TOP_LEVEL.code,
            _name_range(ctx, func),
            f"`{ENTRY_POINT}` is defined inside a {what}, so the module cannot find it; move it "
            "to the top level of the script",
        )


def _container(ctx: Context, target: ast.AST) -> ast.AST | None:
    """The innermost class, function or block statement holding ``target``."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ctx.nodes(*_SCOPES):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents.get(target)


def _assigned(ctx: Context, statement: ast.stmt) -> None:
    if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
        return
    value = statement.value
    if isinstance(value, ast.Lambda):
        ctx.report(
            NOT_FUNCTION.code,
            value,
            f"`{ENTRY_POINT}` is a lambda: it runs, but errors point at `<lambda>`; write "
            f"`{RECOMMENDED_SIGNATURE}` instead",
            severity=Severity.WARNING,
        )
    elif isinstance(
        value, ast.Constant | ast.List | ast.Tuple | ast.Dict | ast.Set | ast.JoinedStr
    ):
        ctx.report(
            NOT_FUNCTION.code,
            value,
            f"`{ENTRY_POINT}` is assigned a value that cannot be called: the module fails with "
            f"error 0085; define `{RECOMMENDED_SIGNATURE}`",
        )


def check_function(ctx: Context) -> None:
    """AZ004, AZ005, AZ007 on the definition the module calls."""
    func = ctx.entry_function
    if func is None:
        return
    if isinstance(func, ast.AsyncFunctionDef):
        line, column = func.lineno, ctx.column(func.lineno, func.col_offset)
        ctx.report(
            ASYNC.code,
            _name_range(ctx, func),
            f"`async def {ENTRY_POINT}` returns a coroutine the module never awaits; make it a "
            "plain `def`",
            Fix(
                "Make it a plain `def`", [TextEdit(line, column, line, column + 6, "")], safe=False
            ),
        )
    for node in own_nodes(func):
        if isinstance(node, ast.Yield | ast.YieldFrom):
            ctx.report(
                GENERATOR.code,
                node,
                f"`yield` makes `{ENTRY_POINT}` a generator: the module gets a generator object, "
                "not a table; use `return`",
            )
    for decorator in func.decorator_list:
        ctx.report(
            DECORATED.code,
            decorator,
            f"decorated `{ENTRY_POINT}`: a wrapper can change how many frames the module "
            "passes; call the helper inside the body instead",
        )


def _name_range(ctx: Context, node: ast.stmt) -> tuple[int, int, int, int]:
    """The range of the function's name in ``def name``, or of the statement's first line."""
    line = node.lineno
    text = ctx.lines[line - 1] if line <= len(ctx.lines) else ""
    index = text.find(ENTRY_POINT)
    if index < 0:
        return ctx.whole_line(line)
    return line, index + 1, line, index + 1 + len(ENTRY_POINT)


CHECKS = [
    (("AZ001", "AZ002", "AZ003", "AZ006"), check_definitions, True),
    (("AZ004", "AZ005", "AZ007"), check_function, True),
]
