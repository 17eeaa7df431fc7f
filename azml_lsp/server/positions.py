"""Positions: LSP's 0-based line/character in the negotiated encoding <-> code points.

Every conversion between the editor's positions and the positions of jedi (1-based lines,
code-point columns) or the checker (1-based lines and columns in code points) goes through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lsprotocol import types

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(source: str) -> list[str]:
    """The lines of ``source`` without their line breaks, as LSP and Python count them."""
    return _LINE_BREAK.split(source)


def _units(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == types.PositionEncodingKind.Utf8:
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if point > 0xFFFF else 1


@dataclass(frozen=True)
class PositionMapper:
    """Converts positions for one snapshot of a document's text."""

    lines: list[str]
    encoding: str = types.PositionEncodingKind.Utf16

    @classmethod
    def of(cls, source: str, encoding: str | None = None) -> PositionMapper:
        return cls(split_lines(source), encoding or types.PositionEncodingKind.Utf16)

    def to_code_points(self, position: types.Position) -> tuple[int, int]:
        """The (0-based line, code-point column) of an editor position, clamped into the text."""
        line = min(max(position.line, 0), len(self.lines) - 1)
        if position.line >= len(self.lines):
            return line, len(self.lines[line])
        text = self.lines[line]
        units, column = 0, 0
        for char in text:
            if units >= position.character:
                break
            units += _units(char, self.encoding)
            column += 1
        return line, column

    def to_position(self, line: int, column: int) -> types.Position:
        """The editor position of a 0-based line and code-point column, clamped into the text."""
        line = min(max(line, 0), len(self.lines) - 1)
        text = self.lines[line]
        column = min(max(column, 0), len(text))
        return types.Position(line, sum(_units(c, self.encoding) for c in text[:column]))

    def range_1based(
        self, line: int, column: int, end_line: int | None, end_column: int | None
    ) -> types.Range:
        """An editor range from the checker's 1-based lines and columns (code points)."""
        start = self.to_position(line - 1, column - 1)
        if end_line is None or end_column is None:
            end = self.to_position(
                line - 1, len(self.lines[min(max(line - 1, 0), len(self.lines) - 1)])
            )
        else:
            end = self.to_position(end_line - 1, end_column - 1)
        return types.Range(start, end)

    def line_range(self, line: int) -> types.Range:
        """The range of the text of a 1-based line, leading indentation excluded."""
        index = min(max(line - 1, 0), len(self.lines) - 1)
        text = self.lines[index]
        indent = len(text) - len(text.lstrip())
        return types.Range(self.to_position(index, indent), self.to_position(index, len(text)))
