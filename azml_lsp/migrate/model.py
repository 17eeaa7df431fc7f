"""What a migration produces (edits applied, places listed) and a parsed text to compute them."""

from __future__ import annotations

import ast
import bisect
import difflib
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from azml_lsp.contract.dialects import Dialect

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Target:
    """Where a script moves: the environment its runs use and that environment's contract."""

    env: str
    """A twin's name or ``local``."""
    dialect: Dialect
    python: str
    """The target's Python, ``major.minor``."""


@dataclass(frozen=True)
class Edit:
    """Replace ``[start, end)`` with ``text``: one rewrite, tied to a rule code."""

    start: int
    end: int
    text: str
    code: str
    what: str


@dataclass(frozen=True, order=True)
class Finding:
    """A line of the migration report: a rewrite applied, or a place listed and left as it is."""

    line: int
    code: str
    message: str
    applied: bool = False

    def render(self, path: str, line: int | None = None) -> str:
        """``path:line: CODE rewrote|check: message``; ``line`` replaces :attr:`line` (the
        migrated text's) where ``path`` still holds the original."""
        verb = "rewrote" if self.applied else "check"
        return f"{path}:{self.line if line is None else line}: {self.code} {verb}: {self.message}"


@dataclass
class Migration:
    """A migrated text and its report."""

    original: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    python2: bool = False
    """The original is Python 2 source (it needed Python 2 rewrites)."""

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def listed(self) -> list[Finding]:
        """The places the migration could not decide, left unchanged."""
        return [f for f in self.findings if not f.applied]

    def original_line(self, line: int) -> int:
        """The original's line for a 1-based line of the migrated text (a finding's line): the
        same line where the text around it is unchanged (shifted by an added header), else the
        first line of the original's block the migration replaced."""
        last = max(1, len(self.original.splitlines()))
        for tag, old_start, old_end, new_start, new_end in self._line_blocks:
            if new_start < line <= new_end:
                if tag == "equal":
                    return old_start + line - new_start
                return min(old_start + line - new_start, max(old_end, old_start + 1), last)
        return min(line, last)

    @functools.cached_property
    def _line_blocks(self) -> Sequence[tuple[str, int, int, int, int]]:
        matcher = difflib.SequenceMatcher(
            None, self.original.splitlines(), self.text.splitlines(), autojunk=False
        )
        return matcher.get_opcodes()


class Source:
    """A parsed Python 3 text: offsets of nodes, their text, parents, and report helpers."""

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.text = text
        self.tree = tree
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        self.parents: dict[ast.AST, ast.AST] = {
            child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
        }

    def offset(self, line: int, column: int) -> int:
        """The text offset of a 1-based line and a UTF-8 byte column (as ``ast`` gives them)."""
        start = self.starts[min(line, len(self.starts)) - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        row = self.text[start:end]
        if row.isascii():
            return start + column
        return start + len(row.encode("utf-8")[:column].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def replace(self, node: ast.AST, text: str, code: str, what: str) -> Edit:
        start, end = self.span(node)
        return Edit(start, end, text, code, what)

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(node)

    def walk(self, kind: type[ast.AST]) -> Iterator[ast.AST]:
        return (node for node in ast.walk(self.tree) if isinstance(node, kind))


@dataclass
class Changes:
    """What one rewriter found in one pass: edits to apply and places to list."""

    edits: list[Edit] = field(default_factory=list)
    listed: list[Finding] = field(default_factory=list)

    def note(self, node: ast.AST, code: str, message: str) -> None:
        self.listed.append(Finding(node.lineno, code, message))  # type: ignore[attr-defined]

    def extend(self, other: Changes) -> None:
        self.edits.extend(other.edits)
        self.listed.extend(other.listed)
