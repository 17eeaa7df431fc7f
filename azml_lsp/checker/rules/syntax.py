"""AZ3xx: the script parses, and uses only syntax and names the target Python has."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.registry import Rule, register

SYNTAX_ERROR = register(Rule(
    "AZ300", "syntax-error", Severity.ERROR,
    "Reports a script that does not parse, at the line of the error.",
    "The module imports the script first; a syntax error fails every run with error 0085 "
    "before `azureml_main` is called. Pasted scripts often carry broken indentation.",
    "def azureml_main(dataframe1=None):\n    return dataframe1,\n  }",
    "Fix the line shown. Under target 2.7 the checker understands print and exec statements, "
    "backticks, `<>`, `except X, e`, `raise E, v`, long and old octal literals and `ur''` "
    "strings; other Python 2 syntax (tuple parameters, mixed tabs and spaces) is reported here. "
    "The checker parses with the Python it runs on (3.11), so syntax newer than that (`type` "
    "statements, generic `def f[T]`) is reported here too.",
))  # fmt: skip
TOO_NEW = register(Rule(
    "AZ301", "syntax-newer-than-target", Severity.ERROR,
    "Reports syntax the target Python does not have: f-strings (3.6), `:=` (3.8), `match` "
    "(3.10), positional-only parameters (3.8), variable annotations (3.6), underscores in "
    "numbers (3.6), async/await and `@` (3.5), unpacking in displays and calls (3.5), "
    "`except*` (3.11), and for 2.7 annotations, keyword-only parameters, `nonlocal`, "
    "`yield from`, `raise ... from`, starred assignment and `print(..., end=...)`; under 2.7 "
    "it also warns about `print(a, b)`, which prints a tuple without `from __future__ import "
    "print_function`.",
    "The cloud runtime's Python rejects the whole script with a SyntaxError (classic: 2.7 or "
    "3.5; designer: 3.6 to 3.10), while it runs fine locally.",
    "# target-python 3.5\ndef azureml_main(dataframe1=None):\n    print(f\"{len(dataframe1)} rows\")\n"
    "    return dataframe1,",
    "Rewrite with older syntax (`\"{} rows\".format(n)` for f-strings) or raise the target "
    "(`--target-python`, `target-python` in `[tool.azml]`) if the runtime is newer.",
    fixable=True,
))  # fmt: skip
PYTHON2 = register(Rule(
    "AZ302", "python2-syntax", Severity.ERROR,
    "Reports Python 2 statements (print, exec, backticks, `<>`, `except X, e`, `raise E, v`, "
    "`10L`, `0777`, `ur''`) when the target is Python 3, and print statements under "
    "`from __future__ import print_function` in 2.7.",
    "Python 3 cannot parse them: the script fails to import.",
    "def azureml_main(dataframe1=None):\n    print \"rows:\", len(dataframe1)\n    return dataframe1,",
    "Use the Python 3 form (`print(\"rows:\", len(dataframe1))`), or set `target-python=2.7` "
    "if the script runs on a Python 2.7 runtime.",
    fixable=True,
))  # fmt: skip
PYTHON2_NAMES = register(Rule(
    "AZ303", "python2-only-name", Severity.WARNING,
    "Reports Python 2 builtins and dict methods (`xrange`, `unicode`, `basestring`, "
    "`raw_input`, `.iteritems()`, `.has_key()` ...) under a Python 3 target.",
    "They raise NameError or AttributeError on Python 3 when the line runs.",
    "for i in xrange(len(dataframe1)):\n    pass",
    "Use the Python 3 name (`range`, `str`, `input`, `.items()`, `key in d`).",
    fixable=True,
))  # fmt: skip

PYTHON2_BUILTINS = {
    "xrange": "range", "unicode": "str", "basestring": "str", "raw_input": "input",
    "unichr": "chr", "long": "int", "execfile": None, "reload": None, "file": "open",
    "cmp": None, "apply": None, "buffer": None, "intern": None, "reduce": None,
}  # fmt: skip
PYTHON2_METHODS = {
    "iteritems": "items",
    "itervalues": "values",
    "iterkeys": "keys",
    "has_key": None,
}
_UNDERSCORED_NUMBER = re.compile(r"\d_\d")
_PY2_WORDS = {
    "print": "print statement", "exec": "exec statement", "backticks": "backticks",
    "<>": "`<>` operator", "except-comma": "`except X, e`", "raise-comma": "`raise E, value`",
    "long": "long literal", "octal": "old octal literal", "ur-string": "`ur''` string",
}  # fmt: skip


def check_parse(ctx: Context) -> None:
    """AZ300, AZ302."""
    if ctx.failure is not None:
        failure = ctx.failure
        end = failure.end_column or failure.column + 1
        hint = " (under target 2.7 only some Python 2 syntax is understood: see `azml rule AZ300`)"
        ctx.report(
            SYNTAX_ERROR.code,
            (failure.line, failure.column, failure.line, end),
            f"SyntaxError: {failure.message}: the module cannot import the script; fix this line"
            + (hint if ctx.config.version[0] == 2 else ""),
        )
    if ctx.config.version[0] >= 3:
        constructs = ctx.python2
    elif _imports_print_function(ctx):
        constructs = [c for c in ctx.python2 if c.kind == "print"]
    else:
        constructs = []
    for construct in constructs:
        where = ctx.offset_range(construct.start, construct.end)
        fix = None
        if construct.replacement is not None:
            fix = Fix(f"Use `{construct.replacement}`", [TextEdit(*where, construct.replacement)])
        ctx.report(
            PYTHON2.code,
            where,
            f"Python 2 {_PY2_WORDS[construct.kind]} does not parse under Python "
            f"{ctx.config.python}: "
            + (f"write `{construct.replacement}`" if construct.replacement else "rewrite it")
            + " (or set target-python=2.7)",
            fix,
        )


def _imports_print_function(ctx: Context) -> bool:
    return any(
        node.module == "__future__" and any(a.name == "print_function" for a in node.names)
        for node in ctx.nodes(ast.ImportFrom)
    )


def check_features(ctx: Context) -> None:
    """AZ301: syntax newer than the target Python."""
    target = ctx.config.version
    for node, needed, what in _features(ctx, target):
        if target < needed:
            ctx.report(
                TOO_NEW.code,
                node,
                f"{what} need Python {needed[0]}.{needed[1]}, but the target is "
                f"{ctx.config.python}: the cloud runtime rejects the script; rewrite it or "
                "raise target-python",
            )


def check_print_tuples(ctx: Context) -> None:
    """AZ301 (warning): ``print(a, b)`` prints a tuple under 2.7 without print_function."""
    if ctx.config.version[0] != 2 or _imports_print_function(ctx):
        return
    calls = [
        c
        for c in ctx.nodes(ast.Call)
        if isinstance(c.func, ast.Name) and c.func.id == "print" and len(c.args) > 1
    ]
    if not calls:
        return
    line = _future_import_line(ctx)
    fix = Fix(
        "Add `from __future__ import print_function`",
        [TextEdit(line, 1, line, 1, "from __future__ import print_function\n")],
    )
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        ctx.report(
            TOO_NEW.code,
            call,
            "under Python 2.7 `print(a, b)` prints the tuple `(a, b)`: add "
            "`from __future__ import print_function` at the top of the script",
            fix,
            severity=Severity.WARNING,
        )


def _future_import_line(ctx: Context) -> int:
    """The line where a ``from __future__`` import may go: after the module docstring."""
    body = ctx.tree.body if ctx.tree else []
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return (first.end_lineno or first.lineno) + 1
    return 1


def _features(
    ctx: Context, target: tuple[int, int]
) -> Iterator[tuple[ast.AST, tuple[int, int], str]]:
    specs = {id(v.format_spec) for v in ctx.nodes(ast.FormattedValue) if v.format_spec}
    for node in ctx.nodes(ast.JoinedStr):
        if id(node) not in specs:
            yield node, (3, 6), "f-strings"
    simple: list[tuple[type[ast.AST], tuple[int, int], str]] = [
        (ast.NamedExpr, (3, 8), "assignment expressions (`:=`)"),
        (ast.Match, (3, 10), "`match` statements"),
        (ast.TryStar, (3, 11), "`except*` clauses"),
        (ast.AnnAssign, (3, 6), "variable annotations"),
        (ast.AsyncFunctionDef, (3, 5), "`async def` functions"),
        (ast.Await, (3, 5), "`await` expressions"),
        (ast.AsyncFor, (3, 5), "`async for` loops"),
        (ast.AsyncWith, (3, 5), "`async with` blocks"),
        (ast.YieldFrom, (3, 3), "`yield from` expressions"),
        (ast.Nonlocal, (3, 0), "`nonlocal` statements"),
    ]
    for kind, needed, what in simple:
        for found in ctx.nodes(kind):
            yield found, needed, what
    for args in ctx.nodes(ast.arguments):
        if args.posonlyargs:
            yield args.posonlyargs[0], (3, 8), "positional-only parameters (`/`)"
        if args.kwonlyargs:
            yield args.kwonlyargs[0], (3, 0), "keyword-only parameters"
    if target[0] == 2:
        yield from _python3_only(ctx)
    yield from _future_features(ctx)
    yield from _unpacking(ctx)
    for binop in ctx.nodes(ast.BinOp):
        if isinstance(binop.op, ast.MatMult):
            yield binop, (3, 5), "`@` matrix multiplications"
    if target < (3, 6) and _UNDERSCORED_NUMBER.search(ctx.source):
        for constant in ctx.nodes(ast.Constant):
            if isinstance(constant.value, int | float | complex) and "_" in ctx.segment(constant):
                yield constant, (3, 6), "underscores in numbers"
    if target < (3, 9):
        for func in ctx.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            for decorator in func.decorator_list:
                if not _dotted_call(decorator):
                    yield decorator, (3, 9), "decorators that are arbitrary expressions"


def _future_features(ctx: Context) -> Iterator[tuple[ast.AST, tuple[int, int], str]]:
    """``from __future__ import X`` needs the Python that introduced X (``annotations``: 3.7)."""
    import __future__ as future

    for node in ctx.nodes(ast.ImportFrom):
        if node.module != "__future__":
            continue
        for alias in node.names:
            release = getattr(getattr(future, alias.name, None), "getOptionalRelease", None)
            if release is not None:
                major, minor = release()[:2]
                yield node, (major, minor), f"`from __future__ import {alias.name}`"


def _python3_only(ctx: Context) -> Iterator[tuple[ast.AST, tuple[int, int], str]]:
    for arg in ctx.nodes(ast.arg):
        if arg.annotation is not None:
            yield arg.annotation, (3, 0), "annotations"
    for func in ctx.nodes(ast.FunctionDef):
        if func.returns is not None:
            yield func.returns, (3, 0), "annotations"
    for node in ctx.nodes(ast.Raise):
        if node.cause is not None:
            yield node.cause, (3, 0), "`raise ... from ...` clauses"
    for star in ctx.nodes(ast.Starred):
        if isinstance(star.ctx, ast.Store):
            yield star, (3, 0), "starred assignments (`a, *b = ...`)"
    if not _imports_print_function(ctx):
        for call in ctx.nodes(ast.Call):
            if isinstance(call.func, ast.Name) and call.func.id == "print" and call.keywords:
                yield (
                    call,
                    (3, 0),
                    "`print()` calls with keyword arguments (without `from __future__ import print_function`)",
                )


def _unpacking(ctx: Context) -> Iterator[tuple[ast.AST, tuple[int, int], str]]:
    what = "unpacking in displays and calls (`[*a, *b]`, `f(*a, *b)`, `{**a}`)"
    for display in ctx.nodes(ast.List, ast.Tuple, ast.Set):
        if isinstance(getattr(display, "ctx", ast.Load()), ast.Load) and any(
            isinstance(e, ast.Starred) for e in display.elts
        ):
            yield display, (3, 5), what
    for mapping in ctx.nodes(ast.Dict):
        if any(k is None for k in mapping.keys):
            yield mapping, (3, 5), what
    for call in ctx.nodes(ast.Call):
        starred = [i for i, a in enumerate(call.args) if isinstance(a, ast.Starred)]
        double = [k for k in call.keywords if k.arg is None]
        if len(starred) > 1 or (starred and starred[-1] != len(call.args) - 1) or len(double) > 1:
            yield call, (3, 5), what


def _dotted_call(node: ast.expr) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def check_python2_names(ctx: Context) -> None:
    """AZ303: Python 2 builtins and dict methods under a Python 3 target."""
    if ctx.config.version[0] < 3:
        return
    bound = _bound_names(ctx)
    for name in ctx.nodes(ast.Name):
        if name.id in PYTHON2_BUILTINS and isinstance(name.ctx, ast.Load) and name.id not in bound:
            _python2_name(ctx, name, name.id, PYTHON2_BUILTINS[name.id], "builtin")
    for attribute in ctx.nodes(ast.Attribute):
        if attribute.attr in PYTHON2_METHODS:
            _python2_name(
                ctx, attribute, attribute.attr, PYTHON2_METHODS[attribute.attr], "dict method"
            )


def _python2_name(ctx: Context, node: ast.AST, old: str, new: str | None, what: str) -> None:
    _, _, end_line, end_column = ctx.span(node)
    fix = None
    if new is not None:
        start = end_column - len(old)
        fix = Fix(
            f"Use `{new}`", [TextEdit(end_line, start, end_line, end_column, new)], safe=False
        )
    advice = f"use `{new}`" if new else ("use `key in d`" if old == "has_key" else "rewrite it")
    ctx.report(
        PYTHON2_NAMES.code,
        (end_line, end_column - len(old), end_line, end_column),
        f"`{old}` is a Python 2 {what}, gone in Python {ctx.config.python}: {advice}",
        fix,
    )


def _bound_names(ctx: Context) -> set[str]:
    bound = {n.id for n in ctx.nodes(ast.Name) if not isinstance(n.ctx, ast.Load)}
    bound.update(f.name for f in ctx.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    for node in ctx.nodes(ast.Import, ast.ImportFrom):
        bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    bound.update(a.arg for a in ctx.nodes(ast.arg))
    return bound


CHECKS = [
    (("AZ300", "AZ302"), check_parse, False),
    (("AZ301",), check_features, True),
    (("AZ301",), check_print_tuples, True),
    (("AZ303",), check_python2_names, True),
]
