"""Python 2 integer division (AZ701): ``/`` between provable integers becomes ``//``; every
other ``/`` whose operands are not provably float is listed."""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator

from azml_lsp.migrate.model import Changes, Edit, Source
from azml_lsp.migrate.python2 import bound_names

_INT_FUNCTIONS = {"len", "int", "ord"}
_INT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.Div)


class Kind(enum.Enum):
    INT = "int"
    FLOAT = "float"
    UNKNOWN = "unknown"


def uses_true_division(tree: ast.Module) -> bool:
    """``from __future__ import division``: ``/`` already divides as in Python 3."""
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(a.name == "division" for a in node.names)
        for node in tree.body
    )


def rewrite_division(src: Source) -> Changes:
    """``a / b`` -> ``a // b`` where both are integers; the undecidable ones listed."""
    changes = Changes()
    if uses_true_division(src.tree):
        return changes
    kinds = _Kinds(src)
    for node, left, right in _divisions(src.tree):
        if kinds.of(left) is Kind.FLOAT or kinds.of(right) is Kind.FLOAT:
            continue
        if kinds.of(left) is Kind.INT and kinds.of(right) is Kind.INT:
            changes.edits.append(_floor(src, node, left, right))
            continue
        changes.note(
            node,
            "AZ701",
            f"`{' '.join(src.segment(node).split())}`: `/` floors when both operands are "
            "integers in Python 2 and gives a float in Python 3; the operand types cannot be "
            "decided here: write `//` if they are integers and a whole number is meant",
        )
    return changes


def _divisions(tree: ast.AST) -> Iterator[tuple[ast.AST, ast.expr, ast.expr]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            yield node, node.left, node.right
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Div):
            yield node, node.target, node.value


def _floor(src: Source, node: ast.AST, left: ast.expr, right: ast.expr) -> Edit:
    _, left_end = src.span(left)
    right_start, _ = src.span(right)
    gap = src.text[left_end:right_start]
    slash = left_end + gap.index("/")
    what = f"`{' '.join(src.segment(node).split())}`: integers, so `/` -> `//`"
    return Edit(slash, slash + 1, "//", "AZ701", what)


class _Kinds:
    """Decides whether an expression is provably an int or a float (Python 2 semantics)."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.rebound = bound_names(src.tree) & {"len", "int", "ord", "float", "range", "xrange"}
        self.assigned = _assignments(src.tree)
        self.pending: set[str] = set()

    def of(self, node: ast.AST) -> Kind:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return Kind.UNKNOWN
            if isinstance(node.value, int):
                return Kind.INT
            return Kind.FLOAT if isinstance(node.value, float) else Kind.UNKNOWN
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Invert):
            return self.of(node.operand)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in self.rebound:
                return Kind.UNKNOWN
            if name in _INT_FUNCTIONS and len(node.args) == 1 and not node.keywords:
                return Kind.INT
            if name == "float":
                return Kind.FLOAT
        if isinstance(node, ast.Name):
            return self._name(node.id)
        return Kind.UNKNOWN

    def _binop(self, node: ast.BinOp) -> Kind:
        left, right = self.of(node.left), self.of(node.right)
        if Kind.FLOAT in (left, right) and isinstance(node.op, (*_INT_OPS, ast.Pow)):
            return Kind.FLOAT
        if left is Kind.INT and right is Kind.INT:
            if isinstance(node.op, _INT_OPS):
                return Kind.INT
            exponent = node.right.value if isinstance(node.right, ast.Constant) else None
            if isinstance(node.op, ast.Pow) and isinstance(exponent, int):
                return Kind.INT if exponent >= 0 else Kind.FLOAT
        return Kind.UNKNOWN

    def _name(self, name: str) -> Kind:
        values = self.assigned.get(name)
        if not values:
            return Kind.UNKNOWN
        if name in self.pending:
            return Kind.INT  # a name bound from itself (n = n + 1): decided by the other bindings
        self.pending.add(name)
        try:
            kinds = {self._binding(value) for value in values}
        finally:
            self.pending.discard(name)
        return kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN

    def _binding(self, value: ast.AST | None) -> Kind:
        if value is None:
            return Kind.UNKNOWN
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("range", "xrange")
            and value.func.id not in self.rebound
        ):
            integers = all(self.of(arg) is Kind.INT for arg in value.args)
            return Kind.INT if integers and not value.keywords else Kind.UNKNOWN
        return self.of(value)


def _assignments(tree: ast.AST) -> dict[str, list[ast.AST | None]]:
    """For each name, every value bound to it: an expression, ``range(...)`` for a loop over
    it, or None for a binding that cannot be followed (parameters, imports, unpacking ...)."""
    bound: dict[str, list[ast.AST | None]] = {}

    def add(name: str, value: ast.AST | None) -> None:
        bound.setdefault(name, []).append(value)

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    add(target.id, node.value)
                else:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            add(name.id, None)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            add(node.target.id, ast.BinOp(ast.Name(node.target.id), node.op, node.value))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            add(node.target.id, node.value)
        elif isinstance(node, ast.For | ast.comprehension):
            target = node.target
            iterated = node.iter
            if isinstance(target, ast.Name) and isinstance(iterated, ast.Call):
                add(target.id, iterated)
            else:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        add(name.id, None)
        elif isinstance(node, ast.arg):
            add(node.arg, None)
        elif isinstance(node, ast.alias):
            add((node.asname or node.name).split(".")[0], None)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            add(node.name, None)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for name in ast.walk(node.optional_vars):
                if isinstance(name, ast.Name):
                    add(name.id, None)
        elif isinstance(node, ast.NamedExpr):
            add(node.target.id, None)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            add(node.name, None)  # its body's assignments are walked as any others
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name_text in node.names:
                add(name_text, None)
    return bound
