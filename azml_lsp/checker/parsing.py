"""Parse a script into a tree, tolerating Python 2 statements; never raises."""

from __future__ import annotations

import ast
import threading
import warnings
from dataclasses import dataclass, field

from azml_lsp.checker.python2 import Python2Construct, find_python2, rewrite


@dataclass(frozen=True)
class ParseFailure:
    """Why the script does not parse: a message and a 1-based line and code-point column."""

    message: str
    line: int
    column: int
    end_column: int | None = None


@dataclass(frozen=True)
class Parsed:
    """The tree (None when the script does not parse), Python 2 constructs and any failure."""

    tree: ast.Module | None
    python2: list[Python2Construct] = field(default_factory=list)
    failure: ParseFailure | None = None


def parse_script(source: str) -> Parsed:
    """Parse ``source``; when Python 3 rejects it, retry with Python 2 statements rewritten."""
    tree, failure = _parse(source)
    if tree is not None:
        return Parsed(tree)
    constructs = find_python2(source)
    if not constructs:
        return Parsed(None, failure=failure)
    tree, second = _parse(rewrite(source, constructs))
    return Parsed(tree, constructs, second)


_PARSING = threading.Lock()
"""One parse at a time in a process: CPython 3.11's AST builder keeps its recursion depth per
interpreter, so two threads parsing at once can fail with ``SystemError`` (CPython gh-106905),
and ``warnings.catch_warnings`` swaps process-wide filters."""


def _parse(source: str) -> tuple[ast.Module | None, ParseFailure | None]:
    try:
        with _PARSING, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, type_comments=False), None
    except SyntaxError as exc:
        return None, _failure(source, exc)
    except ValueError as exc:
        line, column = _position(source, source.find("\0"))
        return None, ParseFailure(str(exc), line, column)
    except (RecursionError, MemoryError):
        return None, ParseFailure("the script is nested too deeply to parse", 1, 1)


def _failure(source: str, exc: SyntaxError) -> ParseFailure:
    line = exc.lineno or 1
    lines = source.splitlines() or [""]
    line = min(max(line, 1), len(lines))
    # SyntaxError offsets are 1-based character columns of the (decoded) line.
    column = max(exc.offset or 1, 1)
    end = exc.end_offset if exc.end_lineno == exc.lineno and exc.end_offset else None
    text = exc.msg or "invalid syntax"
    return ParseFailure(text, line, column, end if end and end > column else None)


def _position(source: str, offset: int) -> tuple[int, int]:
    if offset < 0:
        return 1, 1
    before = source[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1
