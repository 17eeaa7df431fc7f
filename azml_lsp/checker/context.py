"""What every check reads: the parsed script, its nodes by type, positions and the config."""

from __future__ import annotations

import ast
import bisect
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload

from azml_lsp.checker.config import CheckConfig
from azml_lsp.checker.model import Diagnostic, Fix, Severity, TextEdit, line_starts, split_lines
from azml_lsp.checker.registry import RULES
from azml_lsp.contract import ENTRY_POINT, PROFILES, RETURN_RULES, DialectProfile, ReturnRules

if TYPE_CHECKING:
    from azml_lsp.checker.inference import Inference
    from azml_lsp.checker.parsing import ParseFailure
    from azml_lsp.checker.python2 import Python2Construct

N = TypeVar("N", bound=ast.AST)
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class Context:
    """One script being checked. Checks call :meth:`report`; nothing here raises on bad input."""

    def __init__(
        self, source: str, path: str | None, config: CheckConfig, tree: ast.Module | None
    ) -> None:
        self.source = source
        self.path = path
        self.python2: list[Python2Construct] = []
        self.failure: ParseFailure | None = None
        self.config = config
        self.tree = tree
        self.lines = split_lines(source)
        self.enabled = config.enabled_codes()
        self.diagnostics: list[Diagnostic] = []
        self._by_type: dict[type, list[ast.AST]] = defaultdict(list)
        if tree is not None:
            _index(tree, self._by_type)

    @cached_property
    def import_guarded_lines(self) -> set[int]:
        """Lines of ``try`` blocks that catch ImportError (or everything), and of their handlers:
        imports there are optional or fallbacks for another runtime."""
        lines: set[int] = set()
        for node in self.nodes(ast.Try):
            handlers = [h for h in node.handlers if _catches_import_error(h)]
            if not handlers:
                continue
            for statement in [*node.body, *(s for h in handlers for s in h.body)]:
                lines.update(
                    range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
                )
        return lines

    @property
    def profile(self) -> DialectProfile:
        return PROFILES[self.config.dialect]

    @property
    def returns(self) -> ReturnRules:
        return RETURN_RULES[self.config.dialect]

    @overload
    def nodes(self, kind: type[N], /) -> list[N]: ...

    @overload
    def nodes(self, *kinds: type[ast.AST]) -> list[Any]: ...

    def nodes(self, *kinds: type[ast.AST]) -> list[Any]:
        """Every node of the given types, in tree-walk order (grouped by type)."""
        if len(kinds) == 1:
            return self._by_type.get(kinds[0], [])
        out: list[Any] = []
        for kind in kinds:
            out.extend(self._by_type.get(kind, []))
        return out

    @cached_property
    def function_spans(self) -> list[tuple[int, int]]:
        """Line spans of every function body (lambdas included), to tell module-level code."""
        spans = [
            (f.lineno, f.end_lineno or f.lineno)
            for f in self.nodes(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        ]
        return sorted(spans)

    def at_module_level(self, node: ast.AST) -> bool:
        """True when ``node`` lies outside every function and lambda."""
        line = getattr(node, "lineno", 0)
        return not any(start <= line <= end for start, end in self.function_spans)

    @cached_property
    def entry_points(self) -> list[ast.stmt]:
        """Top-level statements that define ``azureml_main`` (def or assignment), in order."""
        return [s for s in (self.tree.body if self.tree else []) if _defines_entry(s)]

    @cached_property
    def entry_function(self) -> FunctionNode | None:
        """The ``azureml_main`` the module calls: the last top-level definition."""
        for statement in reversed(self.entry_points):
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                return statement
            return None
        return None

    @cached_property
    def inference(self) -> Inference:
        from azml_lsp.checker.inference import Inference

        return Inference(self)

    def release(self) -> None:
        """Drop the inference, which points back at this context: the two would otherwise keep
        the whole syntax tree for the cyclic collector (14,000 objects a check of 2,000 lines)
        instead of freeing it as soon as the check returns."""
        self.__dict__.pop("inference", None)

    # --- positions -------------------------------------------------------------------------

    def column(self, line: int, byte_offset: int) -> int:
        """The 1-based code-point column of a UTF-8 byte offset on a 1-based line."""
        if line < 1 or line > len(self.lines):
            return byte_offset + 1
        text = self.lines[line - 1]
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1

    def span(self, node: ast.AST) -> tuple[int, int, int, int]:
        """``(line, column, end_line, end_column)`` of a node, 1-based code points."""
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        column = self.column(line, getattr(node, "col_offset", 0))
        end_offset = getattr(node, "end_col_offset", None)
        end_column = self.column(end_line, end_offset) if end_offset is not None else column
        return line, column, end_line, end_column

    def segment(self, node: ast.AST) -> str:
        """The source text of a node (empty when it has no position)."""
        return ast.get_source_segment(self.source, node) or ""

    def replace(self, node: ast.AST, new_text: str) -> TextEdit:
        """An edit that replaces a node's text."""
        return TextEdit(*self.span(node), new_text=new_text)

    # --- reporting -------------------------------------------------------------------------

    def wants(self, *codes: str) -> bool:
        """True when any of the codes is enabled."""
        return any(c in self.enabled for c in codes)

    def report(
        self,
        code: str,
        where: ast.AST | tuple[int, int, int, int],
        message: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Record a diagnostic for an enabled rule at a node or a 1-based range."""
        if code not in self.enabled:
            return
        line, column, end_line, end_column = where if isinstance(where, tuple) else self.span(where)
        self.diagnostics.append(
            Diagnostic(
                code=code,
                severity=severity or RULES[code].severity,
                message=message,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                fix=fix,
                path=self.path,
            )
        )

    def offset_range(self, start: int, end: int) -> tuple[int, int, int, int]:
        """The 1-based range of ``source[start:end]``."""
        return (*self.position(start), *self.position(end))

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and code-point column of a character offset."""
        starts = self.line_starts
        line = bisect.bisect_right(starts, offset) - 1
        line = min(max(line, 0), max(len(self.lines) - 1, 0))
        return line + 1, offset - starts[line] + 1

    @cached_property
    def line_starts(self) -> list[int]:
        return line_starts(self.source)

    def whole_line(self, line: int) -> tuple[int, int, int, int]:
        """The range of a line's text, without its line break."""
        text = self.lines[line - 1].rstrip("\r\n") if 0 < line <= len(self.lines) else ""
        return line, 1, line, len(text) + 1


def _defines_entry(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
        return statement.name == ENTRY_POINT
    if isinstance(statement, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == ENTRY_POINT for t in statement.targets)
    if isinstance(statement, ast.AnnAssign):
        target = statement.target
        return isinstance(target, ast.Name) and target.id == ENTRY_POINT and bool(statement.value)
    return False


def names_in(nodes: Iterable[ast.AST]) -> set[str]:
    """Every identifier loaded or stored under the given nodes."""
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def own_nodes(func: ast.AST) -> list[ast.AST]:
    """Nodes of a function body, not those of nested functions, lambdas or classes."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


_LEAF_FIELDS = frozenset({"ctx", "op", "id", "arg", "attr", "name", "kind", "type_comment"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        names = getattr(kind, "_fields", ())
        fields = () if kind is ast.Constant else tuple(f for f in names if f not in _LEAF_FIELDS)
        _CHILD_FIELDS[kind] = fields
    return fields


def _index(tree: ast.AST, by_type: dict[type, list[ast.AST]]) -> None:
    """Group every node under ``tree`` by type (expression contexts and operators skipped)."""
    stack = [tree]
    pop, push, AST = stack.pop, stack.append, ast.AST
    while stack:
        node = pop()
        kind = type(node)
        by_type[kind].append(node)
        for name in _CHILD_FIELDS.get(kind) or _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, AST):
                        push(item)
            elif isinstance(value, AST):
                push(value)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = {n.id for n in ast.walk(handler.type) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(handler.type) if isinstance(n, ast.Attribute)}
    return bool(names & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
