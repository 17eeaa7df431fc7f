"""AZ1xx: the signature of ``azureml_main`` binds the frames the dialect passes."""

from __future__ import annotations

import ast

from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract import (
    ENTRY_POINT,
    MAX_FRAMES,
    RECOMMENDED_SIGNATURE,
    Dialect,
    ParameterShape,
    argument_count,
)
from azml_lsp.contract.entrypoint import RECOMMENDED_PARAMETERS

TOO_MANY_REQUIRED = register(Rule(
    "AZ101", "too-many-required-parameters", Severity.ERROR,
    f"Reports an `{ENTRY_POINT}` with more required positional parameters than the dialect "
    "ever passes.",
    "The module passes at most two frames, positionally (the designer passes one frame per "
    "counted parameter, at most two); a third required parameter always fails with a TypeError, "
    "wrapped in error 0085.",
    "def azureml_main(credentials, dataframe1, dataframe2):\n    return dataframe1,",
    f"Keep at most two parameters, with defaults: `{RECOMMENDED_SIGNATURE}`; read other values "
    "from a file in the Script Bundle.",
))  # fmt: skip
KEYWORD_ONLY = register(Rule(
    "AZ102", "required-keyword-only-parameter", Severity.ERROR,
    "Reports keyword-only parameters (after `*` or `*args`) without a default.",
    "Frames are always passed positionally, so a keyword-only parameter never gets a value "
    "and the call fails with a TypeError (error 0085).",
    "def azureml_main(dataframe1, *, dataframe2):\n    return dataframe1,",
    "Give it a default (`=None`) or make it a positional parameter.",
    fixable=True,
))  # fmt: skip
COUNTED = register(Rule(
    "AZ103", "designer-counts-non-positional", Severity.ERROR,
    "designer: reports `**kwargs` or keyword-only parameters that make the designer pass more "
    "positional frames than the function accepts.",
    "The designer counts every parameter (`**kwargs` and keyword-only ones too): with two or "
    "more it calls `azureml_main(df1, df2)`, so `def f(a, **kwargs)` fails with a TypeError.",
    "def azureml_main(dataframe1, **kwargs):\n    return dataframe1,",
    f"Use two positional parameters: `{RECOMMENDED_SIGNATURE}`.",
))  # fmt: skip
EXTRA = register(Rule(
    "AZ104", "classic-extra-parameters", Severity.WARNING,
    "classic: reports positional parameters beyond the second.",
    "Studio (classic) passes at most two frames, so extra parameters only ever get their "
    "defaults.",
    "def azureml_main(dataframe1=None, dataframe2=None, debug=False):\n    return dataframe1,",
    "Remove the extra parameters and use module-level constants instead.",
))  # fmt: skip
NO_DEFAULT = register(Rule(
    "AZ105", "parameter-without-default", Severity.INFO,
    "Reports positional parameters without `=None`, and signatures that fail for some "
    "combinations of connected input ports.",
    "classic passes only the connected frames, and the designer passes `None` for an "
    "unconnected port; a signature that needs a frame fails, or gets `None`, when a port is "
    "left unconnected.",
    "def azureml_main(dataframe1, dataframe2):\n    return dataframe1,",
    f"Use `{RECOMMENDED_SIGNATURE}` and handle `None` in the body.",
    fixable=True,
))  # fmt: skip


def parameter_shape(arguments: ast.arguments) -> ParameterShape:
    """The :class:`ParameterShape` of a ``def`` in the tree (the contract's view of it)."""
    positional = [*arguments.posonlyargs, *arguments.args]
    return ParameterShape(
        positional=len(positional),
        required_positional=len(positional) - len(arguments.defaults),
        var_positional=arguments.vararg is not None,
        var_keyword=arguments.kwarg is not None,
        keyword_only=len(arguments.kwonlyargs),
        required_keyword_only=sum(d is None for d in arguments.kw_defaults),
    )


def check_signature(ctx: Context) -> None:
    """AZ101-AZ105."""
    func = ctx.entry_function
    if func is None:
        return
    arguments = func.args
    shape = parameter_shape(arguments)
    dialect = ctx.config.dialect
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if default is None:
            ctx.report(
                KEYWORD_ONLY.code,
                arg,
                f"keyword-only parameter `{arg.arg}` has no default, but frames are passed "
                "positionally: the call always fails; give it `=None`",
                Fix(f"Give `{arg.arg}` a default", [_add_default(ctx, arg)]),
            )
    if shape.required_keyword_only:
        return
    if dialect is Dialect.DESIGNER:
        _designer(ctx, func, shape)
    else:
        _classic(ctx, func, shape)


def _designer(
    ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef, shape: ParameterShape
) -> None:
    passed = argument_count(Dialect.DESIGNER, shape, [True] * MAX_FRAMES)
    if shape.accepts(passed):
        _defaults(ctx, func, shape, "the designer passes None for an unconnected port")
        return
    if passed > shape.positional and not shape.var_positional:
        ctx.report(
            COUNTED.code,
            _signature_range(ctx, func),
            f"the designer counts all {shape.total} parameters (`**kwargs` and keyword-only "
            f"ones too) and passes {passed} frames positionally, but only {shape.positional} "
            f"positional parameters take them; use `{RECOMMENDED_SIGNATURE}`",
        )
    else:
        _too_many(ctx, func, shape, passed)


def _classic(
    ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef, shape: ParameterShape
) -> None:
    counts = range(MAX_FRAMES + 1)
    working = [
        n for n in counts if shape.accepts(argument_count(Dialect.CLASSIC, shape, [True] * n))
    ]
    if not working:
        _too_many(ctx, func, shape, MAX_FRAMES)
        return
    positional = [*func.args.posonlyargs, *func.args.args]
    for extra in positional[MAX_FRAMES:]:
        ctx.report(
            EXTRA.code,
            extra,
            f"Studio (classic) passes at most {MAX_FRAMES} frames: parameter `{extra.arg}` never "
            "gets one; remove it",
        )
    failing = [n for n in counts if n not in working]
    if failing:
        ports = " or ".join(str(n) for n in failing)
        ctx.report(
            NO_DEFAULT.code,
            _signature_range(ctx, func),
            f"Studio (classic) passes only connected frames: this signature fails when {ports} "
            f"input port(s) are connected; use `{RECOMMENDED_SIGNATURE}`",
            _classic_fix(ctx, func),
        )


def _too_many(
    ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef, shape: ParameterShape, passed: int
) -> None:
    ctx.report(
        TOO_MANY_REQUIRED.code,
        _signature_range(ctx, func),
        f"`{ENTRY_POINT}` requires {shape.required_positional} positional arguments but the "
        f"module passes at most {passed}: the call fails with error 0085; use "
        f"`{RECOMMENDED_SIGNATURE}`",
    )


def _defaults(
    ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef, shape: ParameterShape, why: str
) -> None:
    positional = [*func.args.posonlyargs, *func.args.args]
    required = positional[: shape.required_positional]
    if required:
        names = ", ".join(f"`{a.arg}`" for a in required)
        ctx.report(
            NO_DEFAULT.code,
            _signature_range(ctx, func),
            f"{names} without `=None`: {why}; add `=None` defaults and handle None",
            _defaults_fix(ctx, func),
        )


def _defaults_fix(ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef) -> Fix | None:
    positional = [*func.args.posonlyargs, *func.args.args]
    required = positional[: len(positional) - len(func.args.defaults)]
    if not required:
        return None
    return Fix("Add `=None` defaults", [_add_default(ctx, a) for a in required])


def _classic_fix(ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef) -> Fix | None:
    """Defaults for required parameters, and parameters up to two (classic passes 0 to 2)."""
    positional = [*func.args.posonlyargs, *func.args.args]
    fix = _defaults_fix(ctx, func)
    edits = list(fix.edits) if fix else []
    if len(positional) < MAX_FRAMES and func.args.vararg is None:
        names = RECOMMENDED_PARAMETERS[len(positional) : MAX_FRAMES]
        added = ", ".join(f"{n}=None" for n in names)
        if positional:
            _, _, line, column = ctx.span(
                func.args.defaults[-1] if func.args.defaults else positional[-1]
            )
            edits.append(TextEdit(line, column, line, column, ", " + added))
        else:
            opening = _opening_paren(ctx, func)
            if opening is None:
                return fix
            tail = ", " if func.args.kwonlyargs or func.args.kwarg else ""
            edits.append(TextEdit(*opening, *opening, added + tail))
    return Fix("Accept zero to two frames with `=None` defaults", edits) if edits else None


def _opening_paren(
    ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[int, int] | None:
    line = func.lineno
    text = ctx.lines[line - 1] if line <= len(ctx.lines) else ""
    index = text.find("(", text.find(func.name))
    return (line, index + 2) if index >= 0 else None


def _add_default(ctx: Context, arg: ast.arg) -> TextEdit:
    _, _, end_line, end_column = ctx.span(arg)
    return TextEdit(end_line, end_column, end_line, end_column, "=None")


def _signature_range(
    ctx: Context, func: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[int, int, int, int]:
    """The first line of the ``def``, from ``def`` to the end of the line."""
    line, column, _, _ = ctx.span(func)
    return line, column, line, ctx.whole_line(line)[3]


CHECKS = [(("AZ101", "AZ102", "AZ103", "AZ104", "AZ105"), check_signature, True)]
