"""Every occurrence of a function's local name, read from the syntax tree.

A name bound in a function (a parameter, an assignment, a loop target) is only visible inside that
function, so its occurrences are found without inference. jedi's reference search infers every
same-named name in the file instead: for ``frame`` in a script with thousands of helpers taking
``frame``, that is minutes. Names this cannot settle exactly (module and class level, ``global``
and ``nonlocal``, comprehension variables) are left to jedi.
"""

from __future__ import annotations

from collections.abc import Iterator

from jedi.parser_utils import get_parent_scope
from parso.python import tree
from parso.tree import BaseNode

_FUNCTIONS = ("funcdef", "lambdef")
_DECLARATIONS = ("global_stmt", "nonlocal_stmt")
_COMPREHENSIONS = ("comp_for", "sync_comp_for")


def local_occurrences(module: tree.Module, line: int, column: int) -> list[tree.Name] | None:
    """The occurrences of the local name at (1-based ``line``, ``column``), or None when the
    name is not a function's local one."""
    leaf = module.get_name_of_position((line, column))
    if not isinstance(leaf, tree.Name):
        return None
    outer = _outermost_function(leaf)
    if outer is None:
        return None
    names = [
        n
        for n in module.get_used_names().get(leaf.value, [])
        if outer.start_pos <= n.start_pos < outer.end_pos
    ]
    if any(_unsettled(n) for n in names):
        return None
    binders = {id(get_parent_scope(n)) for n in names if n.is_definition()}
    scope = _binding_scope(leaf, binders)
    if scope is None or scope.type not in _FUNCTIONS:
        return None
    return [n for n in names if _binding_scope(n, binders) is scope]


def _outermost_function(leaf: tree.Name) -> BaseNode | None:
    functions = [node for node in _ancestors(leaf) if node.type in _FUNCTIONS]
    return functions[-1] if functions else None


def _unsettled(name: tree.Name) -> bool:
    """A ``global``/``nonlocal`` declaration or a comprehension variable: scoping this module
    does not model."""
    if name.parent is not None and name.parent.type in _DECLARATIONS:
        return True
    return name.is_definition() and any(
        ancestor.type in _COMPREHENSIONS for ancestor in _ancestors(name)
    )


def _ancestors(node: tree.Name) -> Iterator[BaseNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _binding_scope(name: tree.Name, binders: set[int]) -> BaseNode | None:
    """The nearest scope around ``name`` that binds it (class bodies are skipped for names in
    nested functions, as Python does); None when that is not a function of this tree."""
    scope = get_parent_scope(name)
    first = True
    while scope is not None:
        if id(scope) in binders and (first or scope.type != "classdef"):
            return scope
        first = False
        scope = get_parent_scope(scope)
    return None
