"""Diagnostics as text (like ruff), JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from azml_lsp import __version__
from azml_lsp.checker.model import Diagnostic, Severity
from azml_lsp.checker.registry import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    """One ``path:line:col: CODE message`` line per diagnostic."""
    return "".join(
        f"{d.path or '-'}:{d.line}:{d.column}: {d.code} {d.message}\n" for d in diagnostics
    )


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    """A JSON list of diagnostic objects (1-based lines and code-point columns)."""
    return json.dumps([d.to_json() for d in diagnostics], indent=2) + "\n"


def sarif_log(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run; columns are Unicode code points."""
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why},
            "help": {"text": rule.fix, "markdown": rule.doc},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in (RULES[c] for c in codes)
    ]
    results = [_sarif_result(d, index[d.code]) for d in diagnostics]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "azml check",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/azml-lsp/",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _sarif_result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(diagnostic.path)},
                    "region": _region(
                        diagnostic.line,
                        diagnostic.column,
                        diagnostic.end_line,
                        diagnostic.end_column,
                    ),
                }
            }
        ],
    }
    if diagnostic.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": diagnostic.fix.title},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": _uri(diagnostic.path)},
                        "replacements": [
                            {
                                "deletedRegion": _region(
                                    e.line, e.column, e.end_line, e.end_column
                                ),
                                "insertedContent": {"text": e.new_text},
                            }
                            for e in diagnostic.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {
        "startLine": max(line, 1),
        "startColumn": max(column, 1),
        "endLine": max(end_line, line, 1),
        "endColumn": max(end_column, 1),
    }


def _uri(path: str | None) -> str:
    if not path:
        return "stdin"
    candidate = Path(path)
    return candidate.as_posix() if not candidate.is_absolute() else candidate.as_uri()


def format_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(sarif_log(diagnostics), indent=2) + "\n"
