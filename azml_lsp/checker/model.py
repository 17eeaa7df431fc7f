"""Diagnostics, fixes and text edits, and applying fixes to a source text.

Positions are 1-based lines and 1-based columns counted in Unicode code points (not UTF-8 bytes,
not UTF-16 units); ends are exclusive. Lines break at ``\\n``, ``\\r\\n`` and ``\\r``, as Python's own
tokenizer does.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class Severity(enum.StrEnum):
    """How bad a diagnostic is; ``error`` makes ``azml check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class TextEdit:
    """Replace the text from (line, column) up to (end_line, end_column) with ``new_text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A titled set of edits applied together; ``safe`` fixes are applied by ``--fix``."""

    title: str
    edits: list[TextEdit]
    safe: bool = True


@dataclass(frozen=True)
class Diagnostic:
    """One finding of the checker, at a 1-based range of code-point columns."""

    code: str
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = None
    path: str | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``azml check --format json`` prints for this diagnostic."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "fix": None if self.fix is None else asdict(self.fix),
        }


def split_lines(source: str) -> list[str]:
    """The lines of ``source`` with their line breaks, as Python's tokenizer sees them."""
    return _LINE.findall(source)


def line_starts(source: str) -> list[int]:
    """The offset of the first character of each line (one more entry for the end of text)."""
    starts = [0]
    for line in split_lines(source):
        starts.append(starts[-1] + len(line))
    return starts


def _offset(starts: Sequence[int], lines: Sequence[str], line: int, column: int) -> int:
    if line > len(lines):
        return starts[-1]
    text = lines[line - 1].rstrip("\r\n")
    return starts[line - 1] + min(max(column - 1, 0), len(text))


def apply_fixes(source: str, fixes: Iterable[Fix]) -> str:
    """Apply every fix whose edits do not overlap an earlier accepted fix; return the new text.

    A fix is applied whole or not at all.
    """
    return apply_fixes_counted(source, fixes)[0]


def apply_fixes_counted(source: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """Like :func:`apply_fixes`, and how many fixes were applied."""
    count = 0
    lines = split_lines(source)
    starts = line_starts(source)
    accepted: list[tuple[int, int, int, str]] = []
    for fix in fixes:
        spans = [
            (
                _offset(starts, lines, e.line, e.column),
                _offset(starts, lines, e.end_line, e.end_column),
                len(accepted) + i,
                e.new_text,
            )
            for i, e in enumerate(fix.edits)
        ]
        if any(a > b for a, b, _, _ in spans) or any(
            _overlaps(span, other) for span in spans for other in accepted
        ):
            continue
        accepted.extend(spans)
        count += 1
    out = source
    # Right to left; edits of one fix at the same point keep their order.
    for start, end, _, text in sorted(accepted, reverse=True):
        out = out[:start] + text + out[end:]
    return out, count


def _overlaps(a: tuple[int, int, int, str], b: tuple[int, int, int, str]) -> bool:
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1]
