"""``check_source``: run every enabled check on one script; never raises."""

from __future__ import annotations

import re

from azml_lsp.checker.config import CheckConfig
from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Diagnostic, Severity, apply_fixes_counted
from azml_lsp.checker.parsing import parse_script
from azml_lsp.checker.registry import RULES, Rule, register
from azml_lsp.checker.rules import CHECKS

INTERNAL = register(Rule(
    "AZ900", "checker-failure", Severity.WARNING,
    "Reports a check that failed on this script instead of giving its result.",
    "The other checks still ran; this one could not tell whether its rule holds.",
    "# any script the checker cannot analyse",
    "Report the script and the message to the azml-lsp issue tracker; ignore the code with "
    "`# azml: ignore[AZ900]` meanwhile.",
))  # fmt: skip

_SUPPRESS = re.compile(r"#\s*azml:\s*(?:ignore|noqa)(?:\[([A-Za-z0-9,\s]*)\])?", re.IGNORECASE)


def check_source(
    source: str, path: str | None = None, config: CheckConfig | None = None
) -> list[Diagnostic]:
    """Check one script's text; diagnostics sorted by position. Never raises."""
    config = config or CheckConfig()
    try:
        parsed = parse_script(source)
        ctx = Context(source, path, config, parsed.tree)
    except (RecursionError, MemoryError, ValueError) as exc:
        ctx = Context(source, path, config, None)
        ctx.report(INTERNAL.code, (1, 1, 1, 1), f"the script could not be analysed: {exc}")
        return ctx.diagnostics
    ctx.python2 = parsed.python2
    ctx.failure = parsed.failure
    for check in CHECKS:
        if (check.needs_tree and ctx.tree is None) or not ctx.wants(*check.codes):
            continue
        try:
            check.run(ctx)
        except Exception as exc:  # a bug in one check must not hide the others' results
            name = getattr(check.run, "__name__", "check")
            ctx.report(
                INTERNAL.code,
                (1, 1, 1, 1),
                f"{name} failed on this script ({type(exc).__name__}: {exc}); "
                f"its rules ({', '.join(check.codes)}) were not checked",
            )
    try:
        return sorted(_unsuppressed(ctx), key=lambda d: (d.line, d.column, d.code))
    finally:
        ctx.release()


def _unsuppressed(ctx: Context) -> list[Diagnostic]:
    """Drop diagnostics whose first line carries ``# azml: ignore`` or ``# azml: ignore[CODE]``."""
    if "azml:" not in ctx.source:
        return ctx.diagnostics
    kept: list[Diagnostic] = []
    for diagnostic in ctx.diagnostics:
        line = ctx.lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(ctx.lines) else ""
        match = _SUPPRESS.search(line)
        if match is None:
            kept.append(diagnostic)
            continue
        codes = match.group(1)
        if codes is not None and diagnostic.code not in {
            c.strip().upper() for c in codes.split(",") if c.strip()
        }:
            kept.append(diagnostic)
    return kept


def fix_source(
    source: str, path: str | None = None, config: CheckConfig | None = None, passes: int = 10
) -> tuple[str, int]:
    """Apply safe fixes until none is left (overlapping fixes need another pass).

    Returns the new text and how many fixes were applied.
    """
    applied = 0
    for _ in range(passes):
        fixes = [d.fix for d in check_source(source, path, config) if d.fix and d.fix.safe]
        fixed, count = apply_fixes_counted(source, fixes)
        if fixed == source:
            break
        applied += count
        source = fixed
    return source, applied


__all__ = ["RULES", "check_source", "fix_source"]
