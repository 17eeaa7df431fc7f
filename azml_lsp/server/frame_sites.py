"""Where the cursor touches a member of a pandas object whose class the syntax tells.

Completion after ``<expression>.``, hover on ``<expression>.member`` and signature help inside
``<expression>.member(`` are answered from the environment's member table
(:mod:`azml_lsp.server.member_cache`) when :mod:`azml_lsp.checker.frame_flow` knows the class
of ``<expression>`` at that point; otherwise these functions answer None and jedi infers.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import threading
import tokenize
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar

from azml_lsp.checker.frame_flow import (
    PandasClass,
    class_at,
    parse_module,
    receiver_before,
    statements_at,
    with_pass,
)

K = TypeVar("K")
V = TypeVar("V")
_WORD_END = re.compile(r"\w*$")
_WORD_START = re.compile(r"^\w*")


@dataclass(frozen=True)
class MemberSite:
    """A member of a known class at the cursor: the typed prefix (completion) or the member's
    name (hover, signature help), and for signature help the active parameter."""

    cls: PandasClass
    name: str
    active_parameter: int = 0


@dataclass(frozen=True)
class ScriptText:
    """What the sites need of a script: its text and where its modules are."""

    source: str
    folders: tuple[str, ...]
    """Folders that helper modules are imported from (the Script Bundle's, the script's)."""


Locator = Callable[[ScriptText, int, int], "MemberSite | None"]
"""A function that finds a member site at a 0-based line and code-point column."""


def completion_site(script: ScriptText, line: int, column: int) -> MemberSite | None:
    """After ``<expression>.`` (0-based line, code-point column), with a known class."""
    text = _line(script.source, line)
    prefix = _WORD_END.search(text[:column])
    assert prefix is not None
    dot = prefix.start() - 1
    if dot < 0 or text[dot] != ".":
        return None
    cls = _class_before_dot(script, line, dot)
    return MemberSite(cls, prefix.group()) if cls is not None else None


def hover_site(script: ScriptText, line: int, column: int) -> MemberSite | None:
    """On the name of ``<expression>.member``, with a known class."""
    text = _line(script.source, line)
    before = _WORD_END.search(text[:column])
    after = _WORD_START.search(text[column:])
    assert before is not None and after is not None
    name = before.group() + after.group()
    dot = before.start() - 1
    if not name or dot < 0 or text[dot] != ".":
        return None
    cls = _class_before_dot(script, line, dot)
    return MemberSite(cls, name) if cls is not None else None


def call_site(script: ScriptText, line: int, column: int) -> MemberSite | None:
    """Inside the parentheses of ``<expression>.member(``, on the call's own line."""
    text = _line(script.source, line)
    found = _open_call(text, column)
    if found is None:
        return None
    paren, active = found
    name = _WORD_END.search(text[:paren])
    assert name is not None
    dot = name.start() - 1
    if not name.group() or dot < 0 or text[dot] != ".":
        return None
    cls = _class_before_dot(script, line, dot)
    return MemberSite(cls, name.group(), active) if cls is not None else None


def _open_call(text: str, column: int) -> tuple[int, int] | None:
    """The column of the unclosed ``(`` before ``column`` and the commas after it."""
    depth, commas, index = 0, 0, column
    while index > 0:
        index -= 1
        char = text[index]
        if char in "\"'":
            start = text.rfind(char, 0, index)
            if start < 0:
                return None
            index = start
        elif char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                return (index, commas) if char == "(" else None
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
    return None


def _line(source: str, line: int) -> str:
    lines = source.split("\n")
    return lines[line].rstrip("\r") if 0 <= line < len(lines) else ""


def _class_before_dot(script: ScriptText, line: int, dot: int) -> PandasClass | None:
    text = _line(script.source, line)
    if not _is_attribute_dot(text, dot):
        return None
    receiver = receiver_before(text, dot)
    if receiver is None:
        return None
    try:
        expression = ast.parse(receiver, mode="eval").body
    except SyntaxError:
        return None
    start = dot - len(receiver)
    text, module = _flow_tree(script.source, line + 1)
    key = (text, script.folders, line, start, receiver)
    with _flow_lock:
        if key in _classes:
            _classes.move_to_end(key)
            return _classes[key]
    found = None
    if module is not None and not _in_string(module, line + 1):
        found = class_at(module, expression, line + 1, start, _ModuleFinder(script.folders))
    _keep(_classes, key, found, _KEPT_CLASSES)
    return found


def _is_attribute_dot(text: str, column: int) -> bool:
    """Whether the ``.`` at ``column`` of a line is an attribute access of code: not in a
    string or a comment of the line, nor after a token Python rejects."""
    tokens: list[tokenize.TokenInfo] = []
    with contextlib.suppress(tokenize.TokenError, SyntaxError, IndentationError):
        tokens.extend(tokenize.generate_tokens(io.StringIO(text.lstrip() + "\n").readline))
    shift = len(text) - len(text.lstrip())
    for token in tokens:
        start = token.start[1] + shift
        if token.start[0] != 1:
            return False
        if token.type == tokenize.ERRORTOKEN and start < column:
            return False
        if start == column:
            return token.type == tokenize.OP and token.string == "."
        if start > column:
            return False
    return False


def _in_string(module: ast.Module, line: int) -> bool:
    """Whether a 1-based line lies inside a string that spans lines (a docstring)."""
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.lineno < line <= (node.end_lineno or node.lineno)
        for statement in statements_at(module, line)[-1:]
        for node in ast.walk(statement)
    )


_flow_lock = threading.Lock()
_KEPT_TREES = 4
_KEPT_CLASSES = 256
_trees: OrderedDict[str, ast.Module | None] = OrderedDict()
"""Syntax trees of recent texts (failed parses too), the line being typed replaced by ``pass``."""
_classes: OrderedDict[tuple[object, ...], PandasClass | None] = OrderedDict()
"""Classes found per tree text, bundle folders, line, column and receiver."""


def _flow_tree(source: str, line: int) -> tuple[str, ast.Module | None]:
    """The syntax tree of the script being typed in, and the text it was parsed from.

    The line being typed is replaced by ``pass`` first (it rarely parses), so every keystroke
    on one line reuses one tree: a request parses the script only when another line changed.
    When that text does not parse, the script as it is."""
    for text in (with_pass(source, line), source):
        if text is None:
            continue
        with _flow_lock:
            hit = text in _trees
            tree = _trees[text] if hit else None
            if hit:
                _trees.move_to_end(text)
        if not hit:
            tree = parse_module(text)
            _keep(_trees, text, tree, _KEPT_TREES)
        if tree is not None:
            return text, tree
    return source, None


def _keep(kept: OrderedDict[K, V], key: K, value: V, size: int) -> None:
    with _flow_lock:
        kept[key] = value
        while len(kept) > size:
            kept.popitem(last=False)


class _ModuleFinder:
    """Finds a helper module (``utils.cleaning``) in the bundle's and the script's folders and
    parses it; a parse is kept while the file is unchanged."""

    _parsed: ClassVar[dict[Path, tuple[int, ast.Module | None]]] = {}
    _lock = threading.Lock()

    def __init__(self, folders: tuple[str, ...]) -> None:
        self.folders = folders

    def __call__(self, dotted: str) -> ast.Module | None:
        parts = dotted.split(".")
        for folder in self.folders:
            base = Path(folder, *parts)
            for path in (base.with_suffix(".py"), base / "__init__.py"):
                if path.is_file():
                    return self._parse(path)
        return None

    def _parse(self, path: Path) -> ast.Module | None:
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        with self._lock:
            kept = self._parsed.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        try:
            module: ast.Module | None = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError, OSError):
            module = None
        with self._lock:
            self._parsed[path] = (stamp, module)
        return module
