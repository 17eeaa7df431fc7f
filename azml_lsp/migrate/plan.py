"""One migration: every rewrite applied in passes until none is left, and the report."""

from __future__ import annotations

import ast
from collections.abc import Callable

from azml_lsp.contract.dialects import Dialect
from azml_lsp.migrate import contract, division, pandas, python2
from azml_lsp.migrate.model import Changes, Edit, Finding, Migration, Source, Target
from azml_lsp.migrate.python2 import MigrationError

Rewriter = Callable[[Source], Changes]
MAX_PASSES = 8


def migrate_source(
    text: str,
    target: Target,
    *,
    path: str = "<script>",
    source_dialect: Dialect = Dialect.CLASSIC,
    connected: tuple[bool, bool] | None = None,
    module: bool = False,
) -> Migration:
    """``text`` migrated to ``target``. ``module``: a Script Bundle module (no contract
    rewrites); ``connected``: which of Dataset1/Dataset2 the pipeline connects, if known."""
    findings: list[Finding] = []
    current = text
    if target.python.startswith("3"):
        current, found = python2.rewrite_statements(text, path)
        findings += found
    rewriters: list[Rewriter] = [pandas.rewrite_pandas, pandas.rewrite_modules]
    is_python2 = bool(findings)
    if target.python.startswith("3"):
        rewriters = [python2.rewrite_names, python2.rewrite_modules, *rewriters]
        tree = _parse(current, path)
        python2_names = python2.rewrite_names(Source(current, tree))
        python2_modules = python2.rewrite_modules(Source(current, tree))
        is_python2 = is_python2 or bool(python2_names.edits or python2_modules.edits)
        if is_python2:
            rewriters.append(division.rewrite_division)
    to_designer = source_dialect is Dialect.CLASSIC and target.dialect is Dialect.DESIGNER
    if to_designer and not module:
        rewriters.append(contract.rewrite_returns)
    listed: set[Finding] = set()
    for _ in range(MAX_PASSES):
        src = Source(current, _parse(current, path))
        changes = Changes()
        for rewriter in rewriters:
            changes.extend(rewriter(src))
        listed = set(changes.listed)  # the last pass's: its text is the migrated one
        applied = _disjoint(changes.edits)
        if not applied:
            break
        findings += [Finding(src.line_of(e.start), e.code, e.what, True) for e in applied]
        current = _apply(current, applied)
    findings += [f for f in listed if f not in findings]
    if to_designer and not module:
        src = Source(current, _parse(current, path))
        if connected is not None:
            findings += contract.port_mapping(src, connected)
    if not module:
        current, header = contract.rewrite_header(current, target)
        added = [f.line for f in header if f.message.startswith("added the header")]
        if added:
            findings = [Finding(f.line + (f.line >= added[0]), f.code, f.message, f.applied)
                        for f in findings]  # fmt: skip
        findings += header
    return Migration(text, current, sorted(set(findings)), python2=is_python2)


def _parse(text: str, path: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise MigrationError(
            f"{path}:{exc.lineno or 1}: after the Python 2 rewrites the script does not parse "
            f"({exc.msg}): rewrite this line by hand (see `azml rule AZ300`)"
        ) from None


def _disjoint(edits: list[Edit]) -> list[Edit]:
    """The edits that do not overlap an earlier one (the rest wait for the next pass)."""
    chosen: list[Edit] = []
    end = -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start >= end and (not chosen or edit != chosen[-1]):
            chosen.append(edit)
            end = max(edit.end, edit.start + 1) if edit.end == edit.start else edit.end
    return chosen


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text
