"""The module's contract, classic to designer: the return value (AZ202, AZ204), the result
index (AZ703), the ``# azml:`` header (AZ704) and classic's positional port mapping (AZ705)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from azml_lsp.migrate.model import Changes, Finding, Source, Target
from azml_lsp.settings import HEADER_LINES

ENTRY = "azureml_main"
RESET = ".reset_index(drop=True)"
_CHANGES_INDEX = {
    "sort_values", "sort_index", "sort", "dropna", "drop_duplicates", "query", "sample",
    "set_index", "nlargest", "nsmallest", "pivot_table", "pivot", "tail", "transpose", "stack",
    "unstack", "value_counts", "describe", "groupby",
}  # fmt: skip
_KEEPS_INDEX = {
    "copy", "fillna", "astype", "rename", "assign", "round", "abs", "replace", "applymap",
    "clip", "where", "mask", "ffill", "bfill", "interpolate", "infer_objects", "head",
    "add_prefix", "add_suffix", "reindex_like",
}  # fmt: skip
_HEADER = re.compile(r"^\s*#\s*azml:")
_KEY = re.compile(r"(?<![\w-])(dialect|env|target-python)=(\"[^\"]*\"|'[^']*'|\S+)")


def entry_function(tree: ast.Module) -> ast.FunctionDef | None:
    """The last top-level ``def azureml_main`` (the one the module calls)."""
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == ENTRY]
    return found[-1] if found else None


def own_nodes(func: ast.FunctionDef) -> Iterator[ast.AST]:
    """The nodes of ``func``'s body, not those of nested functions, classes or lambdas."""
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def rewrite_returns(src: Source) -> Changes:
    """Each return of ``azureml_main`` as the designer takes it: one table in a tuple, with the
    index classic dropped reset where it provably is not the default."""
    changes = Changes()
    func = entry_function(src.tree)
    if func is None:
        return changes
    index = _IndexState(func)
    for node in own_nodes(func):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        value = node.value
        if isinstance(value, ast.Constant) and value.value is None:
            continue
        if isinstance(value, ast.Tuple | ast.List):
            if not value.elts:
                continue
            first = value.elts[0]
        else:
            if index.is_sequence(value, node.lineno):
                changes.note(node, "AZ202", "returns a sequence held in a name: return `(frame,)`")
                continue
            first = value
        state = index.of(first, node.lineno)
        text = src.segment(first) + (RESET if state == "changed" else "")
        if isinstance(first, ast.Starred):
            continue
        new = f"{text},"
        reasons = []
        if isinstance(value, ast.List):
            reasons.append("AZ203")
        elif not isinstance(value, ast.Tuple):
            reasons.append("AZ202")
        if isinstance(value, ast.Tuple | ast.List) and len(value.elts) > 1:
            dropped = ", ".join(src.segment(e) for e in value.elts[1:])
            changes.edits.append(
                src.replace(
                    value,
                    new,
                    "AZ204",
                    f"classic wrote only the first returned item; the designer would write "
                    f"`{dropped}` to its second port: dropped to keep classic's output (put it "
                    "back to use the second port)"
                    + ("; the index is reset (AZ703)" if state == "changed" else ""),
                )
            )
        elif reasons or state == "changed":
            what = (
                "the index classic dropped is not the default here: reset it"
                if state == "changed"
                else "the designer takes a tuple: `return frame,`"
            ) + (f" (and a tuple: {reasons[0]})" if reasons and state == "changed" else "")
            code = "AZ703" if state == "changed" else reasons[0]
            changes.edits.append(src.replace(value, new, code, what))
        if state == "unknown":
            changes.note(
                node,
                "AZ703",
                f"`{src.segment(first)}`: cannot tell whether its index is the default; classic "
                f"dropped it, the designer writes a non-default one as columns: add `{RESET}` "
                "if it was sorted, filtered or grouped",
            )
    return changes


def input_frames(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """The parameters of ``azureml_main`` it never rebinds: each holds an input DataFrame
    (or None), mapped to the function."""
    func = entry_function(tree)
    if func is None:
        return {}
    names = {a.arg for a in func.args.posonlyargs + func.args.args}
    for node in own_nodes(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.discard(node.id)
    return dict.fromkeys(names, func)


def pristine_inputs(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """The :func:`input_frames` that hold the frame as the module passed it: a default
    RangeIndex and text column names. The function never sets their attributes, calls them
    with ``inplace=`` or stores a column under a key that is not text."""
    frames = input_frames(tree)
    if not frames:
        return {}
    func = next(iter(frames.values()))
    names = set(frames)
    for node in own_nodes(func):
        if isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.value, ast.Name):
            stored = not isinstance(node.ctx, ast.Load)
            if stored and not (isinstance(node, ast.Subscript) and _is_text(node.slice)):
                names.discard(node.value.id)
        elif isinstance(node, ast.Call) and any(k.arg == "inplace" for k in node.keywords):
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            if isinstance(receiver, ast.Name):
                names.discard(receiver.id)
    return dict.fromkeys(names, func)


class _IndexState:
    """Whether a frame in ``azureml_main`` has the default index: default, changed, unknown."""

    def __init__(self, func: ast.FunctionDef) -> None:
        self.params = {a.arg for a in func.args.args + func.args.posonlyargs}
        self.top = {id(s) for s in func.body}
        self.bindings: dict[str, list[ast.Assign]] = {}
        self.nested: dict[str, list[int]] = {}
        self.in_place: dict[str, list[tuple[int, str]]] = {}
        """Per name, the lines that change its frame in place, and the index they leave."""
        for node in own_nodes(func):
            for name, stmt in _bound(node):
                if stmt is not None and id(stmt) in self.top:
                    self.bindings.setdefault(name, []).append(stmt)
                else:
                    self.nested.setdefault(name, []).append(node.lineno)  # type: ignore[attr-defined]
            for name, state in _in_place(node):
                self.in_place.setdefault(name, []).append((node.lineno, state))  # type: ignore[attr-defined]

    def _last(self, name: str, line: int) -> ast.Assign | str | None:
        if any(n < line for n in self.nested.get(name, [])):
            return "unknown"
        before = [s for s in self.bindings.get(name, []) if s.lineno < line]
        return max(before, key=lambda s: s.lineno) if before else None

    def is_sequence(self, node: ast.expr, line: int) -> bool:
        if not isinstance(node, ast.Name):
            return False
        last = self._last(node.id, line)
        return isinstance(last, ast.Assign) and isinstance(last.value, ast.Tuple | ast.List)

    def of(self, node: ast.expr, line: int, depth: int = 0) -> str:
        if depth > 20:
            return "unknown"
        if isinstance(node, ast.Name):
            last = self._last(node.id, line)
            bound_at = last.lineno if isinstance(last, ast.Assign) else 0
            changes = [c for c in self.in_place.get(node.id, []) if bound_at < c[0] < line]
            if changes:
                return max(changes)[1]
            if last is None:
                return "default" if node.id in self.params else "unknown"
            if isinstance(last, str):
                return last
            return self.of(last.value, last.lineno, depth + 1)
        if isinstance(node, ast.Call):
            return self._call(node, line, depth)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, line, depth)
        return "unknown"

    def _call(self, node: ast.Call, line: int, depth: int) -> str:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return "unknown"
        keywords = {k.arg: k.value for k in node.keywords}
        method = func.attr
        if method == "reset_index" or method == "merge":
            return "default"
        if method == "groupby" and _is_false(keywords.get("as_index")):
            return "default"
        if method in _CHANGES_INDEX:
            return "changed"
        if method == "drop" and ("columns" in keywords or _is_one(keywords.get("axis"))):
            return self.of(func.value, line, depth + 1)
        if method in _KEEPS_INDEX:
            return self.of(func.value, line, depth + 1)
        if method == "concat":
            return "default" if _is_true(keywords.get("ignore_index")) else "unknown"
        if method == "DataFrame" or method.startswith("read_"):
            return "unknown" if {"index", "index_col"} & set(keywords) else "default"
        inner = func.value
        while isinstance(inner, ast.Call | ast.Attribute | ast.Subscript):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "groupby"
            ):
                as_index = {k.arg: k.value for k in inner.keywords}.get("as_index")
                return "default" if _is_false(as_index) else "changed"
            inner = inner.func if isinstance(inner, ast.Call) else inner.value
        return "unknown"

    def _subscript(self, node: ast.Subscript, line: int, depth: int) -> str:
        key = node.slice
        base = node.value
        if isinstance(base, ast.Attribute) and base.attr in ("loc", "iloc"):
            rows = key.elts[0] if isinstance(key, ast.Tuple) and key.elts else key
            full = isinstance(rows, ast.Slice) and rows.lower is None and rows.upper is None
            return self.of(base.value, line, depth + 1) if full else "changed"
        if _is_text(key) or (isinstance(key, ast.List) and all(_is_text(e) for e in key.elts)):
            return self.of(base, line, depth + 1)
        if isinstance(key, ast.Compare | ast.BoolOp) or (
            isinstance(key, ast.UnaryOp | ast.BinOp)
            and isinstance(getattr(key, "op", None), ast.Invert | ast.BitAnd | ast.BitOr)
        ):
            return "changed"
        return "unknown"


def _in_place(node: ast.AST) -> Iterator[tuple[str, str]]:
    """``name.method(..., inplace=True)`` and ``name.index = ...``: the frame's index after it
    (changed, default, unknown); methods that keep the index give nothing."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.attr == "index"
            ):
                yield target.value.id, "changed"
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
    ):
        return
    inplace = next((k.value for k in node.keywords if k.arg == "inplace"), None)
    if inplace is None or _is_false(inplace):
        return
    method = node.func.attr
    keywords = {k.arg: k.value for k in node.keywords}
    if method == "drop" and ("columns" in keywords or _is_one(keywords.get("axis"))):
        return
    if method == "reset_index":
        yield node.func.value.id, "default"
    elif method in _CHANGES_INDEX or method == "sort_index":
        yield node.func.value.id, "changed"
    elif method not in _KEEPS_INDEX:
        yield node.func.value.id, "unknown"


def _bound(node: ast.AST) -> Iterator[tuple[str, ast.Assign | None]]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store):
                    yield name.id, node if target is name else None
    elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For | ast.With | ast.NamedExpr):
        for child in ast.walk(node.target if not isinstance(node, ast.With) else node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                yield child.id, None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_one(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in (1, "columns")


def port_mapping(src: Source, connected: tuple[bool, bool]) -> list[Finding]:
    """AZ705 where only Dataset2 is connected and the frame lands on another parameter."""
    func = entry_function(src.tree)
    if func is None or connected != (False, True):
        return []
    params = [a.arg for a in func.args.posonlyargs + func.args.args]
    if not params:
        return []
    second = f"`{params[1]}`" if len(params) > 1 else "no parameter (it takes one)"
    return [
        Finding(
            func.lineno,
            "AZ705",
            f"only Dataset2 is connected: classic passed its frame as the first parameter "
            f"`{params[0]}`; the designer passes None there and the frame to {second}: connect "
            "the input to Dataset1 or read the second parameter",
        )
    ]


def rewrite_header(text: str, target: Target) -> tuple[str, list[Finding]]:
    """The ``# azml:`` header set to the target's dialect, env and Python (AZ704)."""
    wanted = {"dialect": target.dialect.value, "env": target.env, "target-python": target.python}
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines[:HEADER_LINES]) if _HEADER.match(line)]
    findings: list[Finding] = []
    seen: set[str] = set()
    for i in headers:

        def swap(match: re.Match[str], number: int = i + 1) -> str:
            key, old = match.group(1), match.group(2)
            seen.add(key)
            if old == wanted[key]:
                return match.group(0)
            findings.append(
                Finding(number, "AZ704", f"`{key}={old}` -> `{key}={wanted[key]}`", True)
            )
            return f"{key}={wanted[key]}"

        lines[i] = _KEY.sub(swap, lines[i])
    missing = [k for k in ("dialect", "env") if k not in seen]
    if not missing:
        return "".join(lines), findings
    added = " ".join(f"{k}={wanted[k]}" for k in missing)
    if headers:
        i = headers[0]
        body = lines[i].rstrip("\r\n")
        lines[i] = f"{body} {added}" + lines[i][len(body) :]
        findings.append(Finding(i + 1, "AZ704", f"header: added `{added}`", True))
    else:
        at = _header_slot(lines)
        newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
        lines.insert(at, f"# azml: {added}{newline}")
        findings.append(Finding(at + 1, "AZ704", f"added the header `# azml: {added}`", True))
    return "".join(lines), findings


def _header_slot(lines: list[str]) -> int:
    """After a ``#!`` line and an encoding declaration, which must stay first."""
    at = 0
    while at < min(2, len(lines)) and (
        lines[at].startswith("#!") or re.match(r"^[ \t\f]*#.*coding[:=]", lines[at])
    ):
        at += 1
    return at
