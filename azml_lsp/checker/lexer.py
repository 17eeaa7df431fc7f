"""A tolerant tokenizer for Python 2 and 3 source: never raises, whatever the text.

It knows just enough (strings, comments, brackets, names, numbers, operators and logical line
ends) to find Python 2 statements that Python 3's parser rejects.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass

_STRING_START = re.compile(r"(?i)(?:[rbuf]{0,2})('''|\"\"\"|'|\")")
_NAME = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"\d[\w.]*|\.\d[\w.]*")
_OPERATORS = (
    "**=",
    "//=",
    ">>=",
    "<<=",
    "<>",
    "!=",
    "==",
    "<=",
    ">=",
    "->",
    "**",
    "//",
    "<<",
    ">>",
)
_BREAK = re.compile(r"[\r\n]")
_OPENERS = "([{"
_CLOSERS = ")]}"


class Kind(enum.Enum):
    NAME = "name"
    NUMBER = "number"
    STRING = "string"
    OP = "op"
    NEWLINE = "newline"
    """The end of a logical line (outside brackets)."""
    COMMENT = "comment"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    start: int
    """Offset of the first character in the source."""
    end: int
    depth: int
    """Bracket depth before the token."""


def tokens(source: str) -> Iterator[Token]:
    """The tokens of ``source``; unknown characters become one-character OP tokens."""
    i, n, depth = 0, len(source), 0
    while i < n:
        c = source[i]
        if c in " \t\f":
            i += 1
        elif c == "\\" and source.startswith(("\\\n", "\\\r"), i):
            i += 2
        elif c in "\r\n":
            end = i + (2 if source.startswith("\r\n", i) else 1)
            if depth == 0:
                yield Token(Kind.NEWLINE, source[i:end], i, end, depth)
            i = end
        elif c == "#":
            end = _line_end(source, i)
            yield Token(Kind.COMMENT, source[i:end], i, end, depth)
            i = end
        elif (string := _STRING_START.match(source, i)) is not None and (
            string.start(1) == i or _is_prefix(source[i : string.start(1)])
        ):
            end = _string_end(source, string.end(), string.group(1))
            yield Token(Kind.STRING, source[i:end], i, end, depth)
            i = end
        elif (name := _NAME.match(source, i)) is not None:
            yield Token(Kind.NAME, name.group(), i, name.end(), depth)
            i = name.end()
        elif (number := _NUMBER.match(source, i)) is not None:
            yield Token(Kind.NUMBER, number.group(), i, number.end(), depth)
            i = number.end()
        else:
            op = next((o for o in _OPERATORS if source.startswith(o, i)), c)
            yield Token(Kind.OP, op, i, i + len(op), depth)
            if op in _OPENERS:
                depth += 1
            elif op in _CLOSERS:
                depth = max(depth - 1, 0)
            i += len(op)
    yield Token(Kind.NEWLINE, "", n, n, 0)


def _is_prefix(text: str) -> bool:
    return text.lower() in {"r", "b", "u", "f", "br", "rb", "ur", "ru", "fr", "rf"}


def _line_end(source: str, i: int) -> int:
    match = _BREAK.search(source, i)
    return match.start() if match else len(source)


def _string_end(source: str, i: int, quote: str) -> int:
    n = len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if source.startswith(quote, i):
            return i + len(quote)
        if len(quote) == 1 and c in "\r\n":
            return i
        i += 1
    return n
