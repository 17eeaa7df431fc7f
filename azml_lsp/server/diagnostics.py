"""Diagnostics in the editor: the checker's findings and the failure of the last Run."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from azml_lsp.runtime.model import RunResult
from azml_lsp.server.positions import PositionMapper
from azml_lsp.server.script_context import ScriptContext

if TYPE_CHECKING:
    from azml_lsp.checker import Diagnostic as CheckerDiagnostic

logger = logging.getLogger(__name__)
SOURCE = "azml"
RUN_SOURCE = "azml run"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


@dataclass(frozen=True)
class CheckedVersion:
    """The checker's findings for one version of a document."""

    version: int | None
    findings: list[CheckerDiagnostic]


def check(source: str, context: ScriptContext, use_jedi: bool = True) -> list[CheckerDiagnostic]:
    """Run the checker on a document's text with the script's effective options.

    ``use_jedi=False`` runs only the rules the syntax alone decides: fast enough for every key.
    """
    from azml_lsp.checker import CheckConfig, check_source

    config = CheckConfig(
        dialect=context.dialect,
        target_python=context.target_python,
        cloud_pandas=context.cloud_pandas,
        env=context.env,
        bundle=context.bundle,
        select=frozenset(context.settings.select),
        ignore=frozenset(context.settings.ignore),
        use_jedi=use_jedi,
    )
    from azml_lsp.checker.rules.entry import MISSING

    findings = list(check_source(source, path=context.path, config=config))
    if context.path and any(f.code == MISSING.code for f in findings):
        from azml_lsp.settings import declaring_script

        if declaring_script(context.path) is not None:  # a bundle's helper module, not a script
            findings = [f for f in findings if f.code != MISSING.code]
    return findings


def check_or_nothing(
    source: str, context: ScriptContext, use_jedi: bool
) -> list[CheckerDiagnostic]:
    """:func:`check`, with a failure of the checker logged and no findings."""
    try:
        return check(source, context, use_jedi)
    except Exception:
        logger.exception("the checker failed on %s", context.path)
        return []


def warm_up(source: str) -> None:
    """Check a typical script once, so the first check of the user's script is fast."""
    check(source, ScriptContext(path=None))


def check_json(source: str, context: ScriptContext) -> list[dict[str, object]]:
    """The findings as ``azml check --format json`` prints them."""
    return [finding.to_json() for finding in check(source, context)]


def finding_to_lsp(finding: CheckerDiagnostic, mapper: PositionMapper) -> types.Diagnostic:
    return types.Diagnostic(
        range=mapper.range_1based(
            finding.line, finding.column, finding.end_line, finding.end_column
        ),
        message=finding.message,
        severity=_SEVERITY.get(str(finding.severity), types.DiagnosticSeverity.Warning),
        code=finding.code,
        source=SOURCE,
    )


def settings_error_to_lsp(
    context: ScriptContext, mapper: PositionMapper
) -> types.Diagnostic | None:
    if context.settings_error is None:
        return None
    return types.Diagnostic(
        range=mapper.line_range(context.settings_error_line()),
        message=context.settings_error,
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def run_failure_to_lsp(
    result: RunResult, script: str | None, mapper: PositionMapper
) -> types.Diagnostic | None:
    """The failure of a run, at the script line it names (the first line when it names none)."""
    error = result.error
    if error is None or error.kind == "cancelled":
        return None
    line = error.line or _last_script_frame_line(result, script) or 1
    head = f"{error.exception}: " if error.exception else ""
    text = (error.detail or error.message).strip()
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(Path(frame.path).as_uri(), _frame_range(frame.line)),
            f"{frame.function}: {frame.text}".strip(),
        )
        for frame in error.frames
        if frame.path and Path(frame.path).is_absolute()
    ]
    return types.Diagnostic(
        range=mapper.line_range(line),
        message=f"{head}{text}" if not text.startswith(head) else text,
        severity=types.DiagnosticSeverity.Error,
        code=f"run:{error.kind}",
        source=RUN_SOURCE,
        related_information=related or None,
    )


def _last_script_frame_line(result: RunResult, script: str | None) -> int | None:
    frames = result.error.frames if result.error else []
    lines = [f.line for f in frames if script is not None and f.path == script]
    return lines[-1] if lines else None


def _frame_range(line: int) -> types.Range:
    start = types.Position(max(line - 1, 0), 0)
    return types.Range(start, types.Position(start.line + 1, 0))
