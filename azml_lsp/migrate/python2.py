"""Python 2 to 3: statements (AZ302), builtins and dict methods (AZ303), renamed modules (AZ702)."""

from __future__ import annotations

import ast

from azml_lsp.checker.parsing import parse_script
from azml_lsp.checker.python2 import find_python2
from azml_lsp.migrate.model import Changes, Edit, Finding, Source

BUILTINS = {
    "xrange": "range",
    "unicode": "str",
    "basestring": "str",
    "raw_input": "input",
    "unichr": "chr",
    "long": "int",
}
"""Python 2 builtins with a Python 3 name that behaves the same for a script's use."""
UNSUPPORTED_BUILTINS = ("cmp", "execfile", "reload", "apply", "buffer", "intern", "reduce", "file")
DICT_METHODS = {"iteritems": "items", "itervalues": "values", "iterkeys": "keys"}
MODULES = {
    "urllib2": "urllib.request",
    "urlparse": "urllib.parse",
    "cPickle": "pickle",
    "StringIO": "io",
    "cStringIO": "io",
    "ConfigParser": "configparser",
    "Queue": "queue",
    "httplib": "http.client",
}
_LOW_PRECEDENCE = (ast.Lambda, ast.IfExp, ast.BoolOp, ast.Compare, ast.NamedExpr, ast.Tuple)
_NOT = ast.UnaryOp


class MigrationError(ValueError):
    """The script cannot be migrated (it does not parse); the message names file and line."""


def rewrite_statements(text: str, path: str) -> tuple[str, list[Finding]]:
    """Python 2 statements rewritten (print, exec, backticks, ``<>``, ``except X, e`` ...) and
    the text parsed as Python 3; raises :class:`MigrationError` when it does not parse."""
    parsed = parse_script(text)
    if parsed.tree is None or parsed.failure is not None:
        failure = parsed.failure
        where = f"{path}:{failure.line}" if failure else path
        raise MigrationError(
            f"{where}: the script does not parse ({failure.message if failure else 'unknown'}):"
            " fix this line first (see `azml rule AZ300`)"
        )
    findings: list[Finding] = []
    edits: list[Edit] = []
    for construct in find_python2(text) if parsed.python2 else []:
        line = text.count("\n", 0, construct.start) + 1
        old = " ".join(text[construct.start : construct.end].split())
        if construct.replacement is None:
            findings.append(Finding(line, "AZ302", f"`{old}` has no Python 3 form: rewrite it"))
            continue
        edits.append(Edit(construct.start, construct.end, construct.replacement, "AZ302", ""))
        findings.append(Finding(line, "AZ302", f"`{old}` -> `{construct.replacement}`", True))
    chars = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        chars = chars[: edit.start] + edit.text + chars[edit.end :]
    return chars, findings


def bound_names(tree: ast.AST) -> set[str]:
    """Every name the script binds anywhere (assignments, defs, parameters, imports)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def rewrite_names(src: Source) -> Changes:
    """``xrange`` -> ``range`` ..., ``d.iteritems()`` -> ``d.items()``, ``d.has_key(k)`` -> ``k in d``."""
    changes = Changes()
    bound = bound_names(src.tree)
    for node in src.walk(ast.Name):
        assert isinstance(node, ast.Name)
        if node.id in bound or not isinstance(node.ctx, ast.Load):
            continue
        if node.id in BUILTINS:
            new = BUILTINS[node.id]
            changes.edits.append(src.replace(node, new, "AZ303", f"`{node.id}` -> `{new}`"))
        elif node.id in UNSUPPORTED_BUILTINS:
            changes.note(node, "AZ303", f"`{node.id}` is not a Python 3 builtin: rewrite it")
    for node in src.walk(ast.Call):
        assert isinstance(node, ast.Call)
        func = node.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in DICT_METHODS and not node.args and not node.keywords:
            new = DICT_METHODS[func.attr]
            _start, end = src.span(func)
            edit_start = end - len(func.attr)
            changes.edits.append(
                Edit(edit_start, end, new, "AZ303", f"`.{func.attr}()` -> `.{new}()`")
            )
        elif func.attr == "has_key" and len(node.args) == 1 and not node.keywords:
            key = _operand(src, node.args[0])
            owner = src.segment(func.value)
            text = f"{key} in {owner}"
            if not _statement_level(src, node):
                text = f"({text})"
            changes.edits.append(src.replace(node, text, "AZ303", f"`.has_key()` -> `{text}`"))
    return changes


def _operand(src: Source, node: ast.expr) -> str:
    text = src.segment(node)
    low = isinstance(node, _LOW_PRECEDENCE) or (
        isinstance(node, _NOT) and isinstance(node.op, ast.Not)
    )
    return f"({text})" if low else text


def _statement_level(src: Source, node: ast.AST) -> bool:
    """True where ``k in d`` needs no parentheses: a whole condition, value or operand of
    ``and``/``or``/``not``."""
    parent = src.parent(node)
    if isinstance(parent, ast.If | ast.While | ast.Assert):
        return parent.test is node
    return isinstance(parent, ast.BoolOp | ast.Return | ast.Assign | ast.Expr) or (
        isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    )


def rewrite_modules(src: Source) -> Changes:
    """Imports of renamed standard modules, and ``old.member`` where ``import old`` bound it."""
    changes = Changes()
    plain: set[str] = set()
    for node in src.walk(ast.Import):
        assert isinstance(node, ast.Import)
        for alias in node.names:
            new = MODULES.get(alias.name)
            if new is None:
                continue
            text = f"{new} as {alias.asname}" if alias.asname else new
            changes.edits.append(
                src.replace(alias, text, "AZ702", f"`import {alias.name}` -> `import {text}`")
            )
            if not alias.asname:
                plain.add(alias.name)
    for node in src.walk(ast.ImportFrom):
        assert isinstance(node, ast.ImportFrom)
        new = MODULES.get(node.module or "")
        if new is None or node.level:
            continue
        start, _ = src.span(node)
        head = src.text.find(node.module or "", start)
        changes.edits.append(
            Edit(head, head + len(node.module or ""), new, "AZ702", f"`{node.module}` -> `{new}`")
        )
    for node in src.walk(ast.Name):
        assert isinstance(node, ast.Name)
        if node.id not in plain:
            continue
        if isinstance(src.parent(node), ast.Attribute):
            changes.edits.append(
                src.replace(
                    node, MODULES[node.id], "AZ702", f"`{node.id}.` -> `{MODULES[node.id]}.`"
                )
            )
        else:
            changes.note(node, "AZ702", f"`{node.id}` is used as a value: rename it by hand")
    return changes
