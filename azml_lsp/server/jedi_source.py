"""The contract-aware view of a script that jedi analyses.

The module passes pandas DataFrames as the first two parameters of ``azureml_main`` whatever they
are called and whether or not they are annotated. jedi cannot know that, so it analyses a virtual
copy of the script where those parameters carry a DataFrame annotation, with pandas imported under
a private name at the start of the first line. Only those two lines differ; positions on them are
mapped both ways.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import parso
from parso.python import tree
from parso.utils import split_lines

from azml_lsp.contract import ENTRY_POINT, MAX_FRAMES

PANDAS_ALIAS = "_azml_pandas_"
"""The private name pandas is imported under in the virtual copy; never shown to users."""
_IMPORT_PREFIX = f"import pandas as {PANDAS_ALIAS};"
_ANNOTATION = f': "{PANDAS_ALIAS}.DataFrame"'
_GRAMMAR = parso.load_grammar()


@dataclass(frozen=True)
class Insertion:
    """Text added at a 1-based line and code-point column of the real script."""

    line: int
    column: int
    text: str
    shifts_same_column: bool
    """Whether a position exactly at ``column`` moves right (True for the line-start import;
    False for an annotation, so a cursor at the end of a parameter name stays on the name)."""

    def shifts(self, column: int) -> bool:
        return column > self.column or (column == self.column and self.shifts_same_column)


@dataclass(frozen=True)
class EntryParameter:
    """A positional parameter of ``azureml_main`` the module feeds a frame to."""

    name: str
    index: int
    line: int
    column: int


@dataclass(frozen=True)
class EntryPoint:
    """The ``azureml_main`` that counts: the last one defined at module level."""

    line: int
    column: int
    parameters: tuple[EntryParameter, ...]

    def parameter_at(self, line: int, column: int) -> EntryParameter | None:
        """The frame parameter whose definition starts at this 1-based line and column."""
        return next((p for p in self.parameters if (p.line, p.column) == (line, column)), None)


@dataclass(frozen=True)
class VirtualSource:
    """A script as jedi sees it, and the mapping of positions back to the real script."""

    real: str
    text: str
    entry: EntryPoint | None
    insertions: tuple[Insertion, ...] = field(default=())
    module: tree.Module | None = field(default=None, compare=False, repr=False)
    """parso's tree of the real script."""

    def to_virtual(self, line: int, column: int) -> tuple[int, int]:
        """A real (1-based line, code-point column) in the virtual text."""
        shift = sum(len(i.text) for i in self.insertions if i.line == line and i.shifts(column))
        return line, column + shift

    def to_real(self, line: int, column: int) -> tuple[int, int] | None:
        """A virtual position in the real script; None inside text the virtual copy added."""
        offset = 0
        for insertion in sorted(self.insertions, key=lambda i: i.column):
            if insertion.line != line:
                continue
            start = insertion.column + offset
            if column < start:
                break
            if column < start + len(insertion.text):
                if column == start and not insertion.shifts_same_column:
                    break
                return None
            offset += len(insertion.text)
        return line, column - offset


def find_entry_point(module: tree.Module) -> EntryPoint | None:
    """The last module-level ``azureml_main`` and its frame parameters."""
    entry: EntryPoint | None = None
    for funcdef in module.iter_funcdefs():
        if funcdef.name.value != ENTRY_POINT:
            continue
        params: list[EntryParameter] = []
        for child in funcdef.children[2].children:
            if child.type == "operator" and child.value == "*":
                break
            if not isinstance(child, tree.Param):
                continue
            if child.star_count or len(params) >= MAX_FRAMES:
                break
            line, column = child.name.start_pos
            params.append(EntryParameter(child.name.value, len(params), line, column))
        line, column = funcdef.name.start_pos
        entry = EntryPoint(line, column, tuple(params))
    return entry


def _unannotated_ends(module: tree.Module, entry: EntryPoint) -> list[tuple[int, int]]:
    funcdef = _entry_funcdef(module, entry)
    if funcdef is None:
        return []
    starts = {(p.line, p.column) for p in entry.parameters}
    return [
        p.name.end_pos
        for p in funcdef.get_params()
        if p.name.start_pos in starts and p.annotation is None
    ]


_last: tuple[str, VirtualSource] | None = None
_last_lock = threading.Lock()


def virtual_source(source: str) -> VirtualSource:
    """The contract-aware virtual copy of ``source``. The last one built is kept: the requests
    on one version of a document (racing each other, or a completion and its signature help)
    parse it once, which on a long script is seconds each."""
    global _last
    with _last_lock:
        last = _last
    if last is not None and last[0] == source:
        return last[1]
    built = _build_virtual_source(source)
    with _last_lock:
        _last = (source, built)
    return built


def forget_virtual_sources() -> None:
    """Drop the kept virtual copy (a document closed: its parse tree is not kept alive)."""
    global _last
    with _last_lock:
        _last = None


def _build_virtual_source(source: str) -> VirtualSource:
    module = _GRAMMAR.parse(source, error_recovery=True)
    entry = find_entry_point(module)
    if entry is None:
        return VirtualSource(source, source, None, (), module)
    insertions = [Insertion(1, 0, _IMPORT_PREFIX, True)]
    insertions += [
        Insertion(line, col, _ANNOTATION, False) for line, col in _unannotated_ends(module, entry)
    ]
    lines = split_lines(source, keepends=True)
    for insertion in sorted(insertions, key=lambda i: (i.line, -i.column)):
        text = lines[insertion.line - 1]
        lines[insertion.line - 1] = (
            text[: insertion.column] + insertion.text + text[insertion.column :]
        )
    return VirtualSource(source, "".join(lines), entry, tuple(insertions), module)


def error_before_on_line(leaf: tree.Leaf) -> bool:
    """Whether parso skipped damage (an unterminated string...) earlier on the leaf's line."""
    line = leaf.start_pos[0]
    current = leaf.get_previous_leaf()
    while current is not None and current.end_pos[0] >= line:
        if current.type == "error_leaf":
            return True
        current = current.get_previous_leaf()
    return False


def _entry_funcdef(module: tree.Module, entry: EntryPoint) -> tree.Function | None:
    return next(
        (f for f in module.iter_funcdefs() if f.name.start_pos == (entry.line, entry.column)), None
    )
