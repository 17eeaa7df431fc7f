"""Quick fixes: every checker fix whose finding touches the requested range becomes a code action."""

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
        if finding.fix is None:
            continue
        diagnostic = finding_to_lsp(finding, mapper)
        if not _overlaps(diagnostic.range, requested) and finding.line > 1:
            continue
        edits = [
            types.TextEdit(
                mapper.range_1based(e.line, e.column, e.end_line, e.end_column), e.new_text
            )
            for e in finding.fix.edits
        ]
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        actions.append(
            types.CodeAction(
                title=finding.fix.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=finding.fix.safe,
                edit=types.WorkspaceEdit(
                    document_changes=[types.TextDocumentEdit(document, edits)]
                ),
            )
        )
    return actions
