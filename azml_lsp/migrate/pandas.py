"""Removed pandas APIs (AZ401) and moved scikit-learn modules (AZ406) rewritten to their
current forms; the cases the syntax cannot decide are listed."""

from __future__ import annotations

import ast

from azml_lsp.migrate.contract import input_frames, pristine_inputs
from azml_lsp.migrate.model import Changes, Edit, Source

PANDAS_TOOLS = {
    "pandas.tools.plotting": "pandas.plotting",
    "pandas.tools.merge": "pandas",
    "pandas.tools.pivot": "pandas",
    "pandas.tools.tile": "pandas",
}
SKLEARN_MODULES = {
    "sklearn.cross_validation": "sklearn.model_selection",
    "sklearn.grid_search": "sklearn.model_selection",
    "sklearn.learning_curve": "sklearn.model_selection",
}
SKLEARN_CHANGED = {"KFold", "StratifiedKFold", "ShuffleSplit", "StratifiedShuffleSplit",
                   "LeaveOneOut", "LeavePOut", "LabelKFold", "GridSearchCV"}  # fmt: skip
"""Names that exist in ``model_selection`` with different constructor arguments."""


def rewrite_pandas(src: Source) -> Changes:
    """``.ix``, ``as_matrix()``, ``sort()``, ``append()``, ``set_value``/``get_value``."""
    changes = Changes()
    pandas_name = _pandas_alias(src.tree)
    inputs, frames = pristine_inputs(src.tree), input_frames(src.tree)
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "ix":
                _ix(src, node, node.value, _is_input(src, node.value.value, inputs), changes)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method == "as_matrix":
                _as_matrix(src, node, node.func, changes)
            elif method == "sort":
                _sort(src, node, node.func, _is_input(src, node.func.value, frames), changes)
            elif method == "append":
                _append(src, node, node.func, pandas_name, changes)
            elif method in ("set_value", "get_value"):
                _value(src, node, node.func, changes)
    return changes


def _pandas_alias(tree: ast.AST) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pandas":
                    return alias.asname or "pandas"
    return None


def _attr_edit(src: Source, attribute: ast.Attribute, new: str, code: str, what: str) -> Edit:
    _, end = src.span(attribute)
    return Edit(end - len(attribute.attr), end, new, code, what)


def _is_input(src: Source, node: ast.expr, inputs: dict[str, ast.FunctionDef]) -> bool:
    """``node`` names an input frame of ``azureml_main`` as the module passed it."""
    if not isinstance(node, ast.Name) or node.id not in inputs:
        return False
    scope = src.parent(node)
    while scope is not None and not isinstance(scope, ast.FunctionDef | ast.Lambda):
        scope = src.parent(scope)
    return scope is inputs[node.id]


def _ix(
    src: Source, node: ast.Subscript, attribute: ast.Attribute, is_input: bool, changes: Changes
) -> None:
    """``.ix`` reads each axis by labels when that axis holds integers, else integers as
    positions: ``.loc`` when every key is a label; on an input frame (a default RangeIndex,
    text column names) integer rows are labels and positions at once, integer columns are
    positions, so ``.loc`` or ``.iloc``."""
    key = node.slice
    row, column = (
        (key.elts[0], key.elts[1])
        if isinstance(key, ast.Tuple) and len(key.elts) == 2
        else (key, None)
    )
    row_kind = _key_kind(row)
    column_kind = "full" if column is None else _key_kind(column)
    if is_input and row_kind != "label" and _is_row_number(row):
        row_kind = "label"  # integer labels of a RangeIndex, as .ix read them
    if row_kind in ("label", "full") and column_kind in ("label", "full"):
        why = "labels" if not is_input else "labels of the input's RangeIndex and columns"
        changes.edits.append(_attr_edit(src, attribute, "loc", "AZ401", f"`.ix` -> `.loc`: {why}"))
        return
    if is_input and column is not None and _is_positions(column) and _is_row_position(row):
        changes.edits.append(
            _attr_edit(src, attribute, "iloc", "AZ401",
                       "`.ix` -> `.iloc`: integer columns of an input frame (text column names) "
                       "are positions, its rows a RangeIndex")
        )  # fmt: skip
        return
    changes.note(
        node,
        "AZ401",
        f"`{' '.join(src.segment(node).split())}`: `.ix` takes integers as labels on an integer "
        "index and as positions otherwise; the syntax cannot tell which: use `.loc` (labels) or "
        "`.iloc` (positions)",
    )


def _key_kind(node: ast.expr) -> str:
    """``label`` (strings, ``X.index[...]``, boolean masks), ``full`` (``:``) or ``unknown``."""
    if isinstance(node, ast.Slice):
        if node.lower is None and node.upper is None and node.step is None:
            return "full"
        bounds = [b for b in (node.lower, node.upper) if b is not None]
        return "label" if all(_is_text(b) for b in bounds) and node.step is None else "unknown"
    if _is_text(node):
        return "label"
    if isinstance(node, ast.List) and node.elts and all(_is_text(e) for e in node.elts):
        return "label"
    if isinstance(node, ast.Compare) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert)
    ):
        return "label"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd | ast.BitOr):
        return "label" if _key_kind(node.left) == _key_kind(node.right) == "label" else "unknown"
    is_index = isinstance(node, ast.Attribute) and node.attr == "index"
    if is_index or (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "index"
    ):
        return "label"
    return "unknown"


def _is_int(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    )


def _is_row_number(node: ast.expr) -> bool:
    """An integer, a list of them, or a slice of integers without a step (labels of a
    RangeIndex; ``.ix`` and ``.loc`` include a slice's end)."""
    if isinstance(node, ast.Slice):
        bounds = [b for b in (node.lower, node.upper) if b is not None]
        return node.step is None and all(_is_int(b) for b in bounds)
    if isinstance(node, ast.List):
        return bool(node.elts) and all(_is_int(e) for e in node.elts)
    return _is_int(node)


def _is_row_position(node: ast.expr) -> bool:
    """``:`` or an integer that is not negative: the same row as a RangeIndex label or as a
    position."""
    if isinstance(node, ast.Slice):
        return node.lower is None and node.upper is None and node.step is None
    return _is_int(node) and node.value >= 0  # type: ignore[attr-defined]


def _is_positions(node: ast.expr) -> bool:
    """Integer column keys: an integer, a list of them, a slice of them."""
    if isinstance(node, ast.Slice):
        bounds = [b for b in (node.lower, node.upper, node.step) if b is not None]
        return bool(bounds) and all(_is_int(b) for b in bounds)
    if isinstance(node, ast.List):
        return bool(node.elts) and all(_is_int(e) for e in node.elts)
    return _is_int(node)


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _as_matrix(src: Source, node: ast.Call, func: ast.Attribute, changes: Changes) -> None:
    owner = src.segment(func.value)
    columns = [k.value for k in node.keywords if k.arg == "columns"] + node.args[:1]
    other = [k for k in node.keywords if k.arg != "columns"] + node.args[1:]
    if other:
        changes.note(node, "AZ401", "`as_matrix(...)` with these arguments: use `.to_numpy()`")
        return
    new = f"{owner}[{src.segment(columns[0])}].values" if columns else f"{owner}.values"
    changes.edits.append(src.replace(node, new, "AZ401", f"`.as_matrix()` -> `{new}`"))


def _sort(
    src: Source, node: ast.Call, func: ast.Attribute, is_frame: bool, changes: Changes
) -> None:
    """``DataFrame.sort(columns, ...)`` sorted by its columns, ``sort()`` without them by the
    index; ``list.sort()`` is left alone; on a receiver not known to be a DataFrame, a sort
    without text columns is listed."""
    keywords = {k.arg for k in node.keywords}
    by = node.args[:1]
    first_is_columns = bool(by) and (
        is_frame
        or _is_text(by[0])
        or (isinstance(by[0], ast.List) and all(_is_text(e) for e in by[0].elts))
    )
    if is_frame and not (first_is_columns or keywords & {"columns", "by"}):
        changes.edits.append(
            _attr_edit(src, func, "sort_index", "AZ401",
                       "`.sort()` of an input frame without columns -> `.sort_index()`")
        )  # fmt: skip
        return
    if not (first_is_columns or keywords & {"columns", "by"}):
        if keywords & {"key", "reverse", "cmp"}:
            return  # list.sort
        changes.note(
            node,
            "AZ401",
            "`.sort()` without columns: `DataFrame.sort_index()` or a list's sort; "
            "the syntax cannot tell which",
        )
        return
    changes.edits.append(
        _attr_edit(src, func, "sort_values", "AZ401", "`.sort(...)` -> `.sort_values(...)`")
    )
    for keyword in node.keywords:
        if keyword.arg == "columns":
            start, _ = src.span(keyword)
            changes.edits.append(
                Edit(start, start + len("columns"), "by", "AZ401", "`columns=` -> `by=`")
            )


def _append(
    src: Source, node: ast.Call, func: ast.Attribute, pandas_name: str | None, changes: Changes
) -> None:
    parent = src.parent(node)
    if isinstance(parent, ast.Expr) or len(node.args) != 1:
        return  # list.append: its result is not used
    if pandas_name is None:
        changes.note(node, "AZ401", "`.append(...)`: import pandas to write `pd.concat`")
        return
    other = node.args[0]
    owner = src.segment(func.value)
    if isinstance(other, ast.Dict):
        items = f"[{owner}, {pandas_name}.DataFrame([{src.segment(other)}])]"
    elif isinstance(other, ast.List):
        items = f"[{owner}, {', '.join(src.segment(e) for e in other.elts)}]"
    elif isinstance(other, ast.Name | ast.Call | ast.Subscript | ast.Attribute):
        items = f"[{owner}, {src.segment(other)}]"
    else:
        changes.note(node, "AZ401", "`.append(...)` of this value: use `pd.concat`")
        return
    rest = "".join(f", {src.segment(k)}" for k in node.keywords)
    new = f"{pandas_name}.concat({items}{rest})"
    changes.edits.append(src.replace(node, new, "AZ401", f"`.append(...)` -> `{new}`"))


def _value(src: Source, node: ast.Call, func: ast.Attribute, changes: Changes) -> None:
    owner = src.segment(func.value)
    takeable = any(
        k.arg == "takeable" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )
    accessor = "iat" if takeable else "at"
    if any(k.arg != "takeable" for k in node.keywords):
        changes.note(node, "AZ401", f"`.{func.attr}(...)` with keywords: use `.at`/`.iat`")
        return
    args = [src.segment(a) for a in node.args]
    if func.attr == "get_value" and len(args) in (1, 2):
        new = f"{owner}.{accessor}[{', '.join(args)}]"
        changes.edits.append(
            src.replace(node, new, "AZ401", f"`.get_value()` -> `.{accessor}[...]`")
        )
        return
    if func.attr == "set_value" and len(args) in (2, 3) and isinstance(src.parent(node), ast.Expr):
        new = f"{owner}.{accessor}[{', '.join(args[:-1])}] = {args[-1]}"
        changes.edits.append(
            src.replace(node, new, "AZ401", f"`.set_value()` -> `.{accessor}[...] = ...`")
        )
        return
    changes.note(node, "AZ401", f"`.{func.attr}(...)` used this way: rewrite with `.at`/`.iat`")


def rewrite_modules(src: Source) -> Changes:
    """``pandas.tools.*`` (AZ401) and ``sklearn.cross_validation`` ... (AZ406) imports."""
    changes = Changes()
    for node in ast.walk(src.tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            new, code = _moved(node.module)
            if new is None:
                continue
            start, _ = src.span(node)
            head = src.text.find(node.module, start)
            changes.edits.append(
                Edit(head, head + len(node.module), new, code, f"`{node.module}` -> `{new}`")
            )
            changed = sorted({a.name for a in node.names} & SKLEARN_CHANGED)
            if changed and code == "AZ406":
                changes.note(
                    node,
                    code,
                    f"{', '.join(changed)}: same name in {new}, different constructor "
                    "arguments (e.g. `KFold(n_splits=...)`, `.split(X)`): check the calls",
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                new, code = _moved(alias.name)
                if new is None:
                    continue
                if alias.asname is None:
                    changes.note(
                        alias, code, f"`import {alias.name}`: import {new} and rename the uses"
                    )
                    continue
                text = f"{new} as {alias.asname}"
                changes.edits.append(src.replace(alias, text, code, f"`{alias.name}` -> `{new}`"))
        elif isinstance(node, ast.Attribute) and node.attr == "tools":
            outer = src.parent(node)
            if isinstance(outer, ast.Attribute) and outer.attr == "plotting":
                start, _ = src.span(node.value)
                _, end = src.span(outer)
                base = src.segment(node.value)
                changes.edits.append(
                    Edit(
                        start, end, f"{base}.plotting", "AZ401", "`.tools.plotting` -> `.plotting`"
                    )
                )
    return changes


def _moved(module: str) -> tuple[str | None, str]:
    if module in PANDAS_TOOLS:
        return PANDAS_TOOLS[module], "AZ401"
    return SKLEARN_MODULES.get(module), "AZ406"
