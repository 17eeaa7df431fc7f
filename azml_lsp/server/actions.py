"""Quick fixes: every checker fix whose finding touches the requested range becomes a code
action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from azml_lsp.server.diagnostics import finding_to_lsp
from azml_lsp.server.positions import PositionMapper

if TYPE_CHECKING:
    from azml_lsp.checker import Diagnostic as CheckerDiagnostic


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return p.line, p.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _fix_of(
    finding: CheckerDiagnostic, mapper: PositionMapper
) -> tuple[str, list[types.TextEdit], bool] | None:
    """The title, edits and preference of a finding's fix (the checker's own)."""
    if finding.fix is not None:
        edits = [
            types.TextEdit(
                mapper.range_1based(e.line, e.column, e.end_line, e.end_column), e.new_text
            )
            for e in finding.fix.edits
        ]
        return finding.fix.title, edits, finding.fix.safe
    return None


def code_actions(
    uri: str,
    version: int | None,
    findings: list[CheckerDiagnostic],
    mapper: PositionMapper,
    requested: types.Range,
) -> list[types.CodeAction]:
    """One quick fix per checker fix in range; fixes of file-wide findings are always offered."""
    actions = []
    for finding in findings:
        fix = _fix_of(finding, mapper)
        if fix is None:
            continue
        diagnostic = finding_to_lsp(finding, mapper)
        if not _overlaps(diagnostic.range, requested) and finding.line > 1:
            continue
        title, edits, preferred = fix
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        actions.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=preferred,
                edit=types.WorkspaceEdit(
                    document_changes=[types.TextDocumentEdit(document, edits)]
                ),
            )
        )
    return actions
