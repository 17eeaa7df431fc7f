"""Which pandas class a name or expression holds at a point of a script, from the syntax alone.

A flow-sensitive reading of one scope: the statements before a position are followed in order,
so a contract parameter is the input DataFrame until it is rebound, and after
``dataframe1 = clean_columns(dataframe1)`` it is what the helper returns. Names bound by
frame-returning pandas calls, subscripts and methods get their result's class; helpers (in the
script or in a Script Bundle module) are read through their return annotation or their
``return`` statements. Whenever the syntax does not say, the answer is None (let inference
decide); a wrong class is worse than none.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from azml_lsp.checker.inference import FRAME_FACTORIES
from azml_lsp.contract import ENTRY_POINT, MAX_FRAMES


class PandasClass(enum.Enum):
    """The classes whose members are known per environment."""

    DATAFRAME = "DataFrame"
    SERIES = "Series"
    INDEX = "Index"
    GROUPBY = "DataFrameGroupBy"
    SERIES_GROUPBY = "SeriesGroupBy"
    ROLLING = "Rolling"
    STRING_METHODS = "StringMethods"
    DATETIME_PROPERTIES = "DatetimeProperties"
    NDARRAY = "ndarray"


_DF, _S, _IX = PandasClass.DATAFRAME, PandasClass.SERIES, PandasClass.INDEX
_GB, _SGB, _ARR = PandasClass.GROUPBY, PandasClass.SERIES_GROUPBY, PandasClass.NDARRAY


def _methods(names: str, result: PandasClass) -> dict[str, PandasClass]:
    return dict.fromkeys(names.split(), result)


_SAME = """copy drop dropna fillna rename sort_values sort_index head tail astype replace round
abs where mask clip ffill bfill isna isnull notna notnull isin shift diff pct_change cumsum
cumprod cummax cummin rank interpolate reindex sample drop_duplicates combine_first truncate
tz_localize tz_convert add sub mul div truediv floordiv mod pow radd rsub rmul rdiv"""
_REDUCTIONS = """sum mean median min max std var count nunique prod sem skew kurt idxmin idxmax
any all"""
_METHODS: dict[PandasClass, dict[str, PandasClass]] = {
    _DF: {
        **_methods(_SAME, _DF),
        **_methods(
            """merge join set_index reset_index assign query filter transpose select_dtypes
            describe corr cov nlargest nsmallest pivot pivot_table melt append applymap explode
            rename_axis add_prefix add_suffix set_axis get_dummies""",
            _DF,
        ),
        **_methods(_REDUCTIONS + " duplicated corrwith memory_usage", _S),
        **_methods("to_numpy as_matrix", _ARR),
        "groupby": _GB,
        "rolling": PandasClass.ROLLING,
    },
    _S: {
        **_methods(_SAME + " map value_counts between nlargest nsmallest append explode", _S),
        **_methods("describe duplicated", _S),
        **_methods("unique to_numpy", _ARR),
        "to_frame": _DF,
        "groupby": _SGB,
        "rolling": PandasClass.ROLLING,
    },
    _GB: {
        **_methods(_REDUCTIONS + " first last cumsum transform", _DF),
        "size": _S,
    },
    _SGB: _methods(_REDUCTIONS + " first last cumsum transform size value_counts", _S),
    PandasClass.STRING_METHODS: _methods(
        """lower upper strip lstrip rstrip replace contains startswith endswith len slice
        title capitalize zfill pad center findall match count find get cat_codes""",
        _S,
    ),
    PandasClass.DATETIME_PROPERTIES: _methods(
        "strftime normalize floor ceil round day_name month_name tz_localize tz_convert", _S
    ),
    _IX: {
        **_methods("copy drop rename unique astype union intersection difference", _IX),
        "to_numpy": _ARR,
    },
    _ARR: _methods("reshape copy astype flatten ravel transpose clip round", _ARR),
}
_ATTRIBUTES: dict[PandasClass, dict[str, PandasClass]] = {
    _DF: {"T": _DF, "columns": _IX, "index": _IX, "values": _ARR, "dtypes": _S},
    _S: {
        "str": PandasClass.STRING_METHODS,
        "dt": PandasClass.DATETIME_PROPERTIES,
        "index": _IX,
        "values": _ARR,
        "T": _S,
    },
    _IX: {"str": PandasClass.STRING_METHODS, "values": _ARR},
    _ARR: {"T": _ARR},
    PandasClass.DATETIME_PROPERTIES: _methods(
        "year month day hour minute second dayofweek weekday dayofyear quarter date", _S
    ),
}
_PANDAS_CONSTRUCTORS = {
    **dict.fromkeys(FRAME_FACTORIES, _DF),
    "Series": _S,
    "Index": _IX,
}
_NUMPY_CONSTRUCTORS = frozenset(
    _methods(
        """array asarray zeros ones empty full arange linspace where concatenate vstack hstack
        stack zeros_like ones_like full_like log exp sqrt abs clip unique sort argsort cumsum""",
        _ARR,
    )
)
_MAX_DEPTH = 6
_MAX_ARGUMENTS = 4
_WINDOW_RESULTS = frozenset((_REDUCTIONS + " apply aggregate agg").split())

ModuleSource = Callable[[str], "ast.Module | None"]
"""Finds a module by its dotted name (a Script Bundle's helper module), None when unknown."""


_PENDING = object()


class _Deferred:
    """A helper's result, read only when the name bound to it is asked about."""

    def __init__(self, read: Callable[[], PandasClass | None]) -> None:
        self._read: Callable[[], PandasClass | None] | None = read
        self._value: PandasClass | None = None

    def get(self) -> PandasClass | None:
        if self._read is not None:
            read, self._read = self._read, None
            self._value = read()
        return self._value


Names = dict[str, PandasClass | _Deferred | None]
"""What each name of a scope holds at one point."""
Arguments = tuple["PandasClass | None", ...]
"""The classes of a helper call's positional arguments (what its parameters start with)."""


def _resolved(value: object) -> PandasClass | None:
    return value.get() if isinstance(value, _Deferred) else value  # type: ignore[return-value]


@dataclass
class _Memo:
    """What one question computes once: each module's names, each function's return class."""

    module_names: dict[int, Names] = field(default_factory=dict)
    returns: dict[tuple[int, Arguments], object] = field(default_factory=dict)


@dataclass
class _Reader:
    module: ast.Module
    find_module: ModuleSource | None
    depth: int = 0
    imports: dict[str, str] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    memo: _Memo = field(default_factory=_Memo)
    arguments: Arguments = ()
    """The classes the function being read was called with."""

    def __post_init__(self) -> None:
        for node in self.module.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    head = alias.name.split(".")[0]
                    self.imports[alias.asname or head] = alias.name if alias.asname else head
            elif isinstance(node, ast.ImportFrom) and not node.level:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = node

    # expressions ------------------------------------------------------------

    def origin(self, node: ast.expr) -> str | None:
        """The dotted name an expression refers to through the module's imports."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.imports:
            return None
        return ".".join([self.imports[node.id], *reversed(parts)])

    def annotation(self, node: ast.expr | None) -> PandasClass | None:
        """The class an annotation names (``pd.DataFrame``, ``"pd.DataFrame"``, ``np.ndarray``)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if node is None:
            return None
        origin = self.origin(node) or ""
        head, _, last = origin.rpartition(".")
        if head.split(".")[0] == "pandas" and last in ("DataFrame", "Series", "Index"):
            return PandasClass(last)
        if head.split(".")[0] == "numpy" and last == "ndarray":
            return _ARR
        return None

    def expression(self, node: ast.expr, names: Names) -> PandasClass | None:
        """The class ``node`` evaluates to where the names hold ``names``."""
        if isinstance(node, ast.Name):
            return _resolved(names.get(node.id))
        if isinstance(node, ast.Call):
            return self._call(node, names)
        if isinstance(node, ast.Attribute):
            owner = self.expression(node.value, names)
            return _ATTRIBUTES.get(owner, {}).get(node.attr) if owner else None
        if isinstance(node, ast.Subscript):
            return self._subscript(node, names)
        if isinstance(node, ast.BinOp):
            sides = {self.expression(node.left, names), self.expression(node.right, names)}
            return next((c for c in (_DF, _S, _ARR) if c in sides), None)
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            return self.expression(node.operand, names)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            sides = {self.expression(node.left, names), self.expression(node.comparators[0], names)}
            return next((c for c in (_DF, _S, _ARR) if c in sides), None)
        if isinstance(node, ast.IfExp):
            body = self.expression(node.body, names)
            return body if body == self.expression(node.orelse, names) else None
        return None

    def _call(self, node: ast.Call, names: Names) -> PandasClass | None:
        func = node.func
        if any(k.arg == "inplace" and _is_true(k.value) for k in node.keywords):
            return None
        origin = self.origin(func)
        if origin is not None:
            head, _, last = origin.rpartition(".")
            if head == "pandas" and last in _PANDAS_CONSTRUCTORS:
                return _PANDAS_CONSTRUCTORS[last]
            if head == "numpy" and last in _NUMPY_CONSTRUCTORS:
                return _ARR
        if isinstance(func, ast.Attribute) and func.attr not in self.imports:
            owner = self.expression(func.value, names)
            if owner is None:
                return None
            if owner is _S and func.attr == "reset_index":
                return (
                    _S if any(k.arg == "drop" and _is_true(k.value) for k in node.keywords) else _DF
                )
            if owner in (_GB, _SGB) and func.attr in ("agg", "aggregate"):
                return _DF if owner is _GB or _is_list(node) else _S
            if owner is PandasClass.ROLLING and func.attr in _WINDOW_RESULTS:
                return self._windowed(func.value, names)
            return _METHODS.get(owner, {}).get(func.attr)
        if isinstance(func, ast.Name):
            return self._helper(func.id, self._arguments(node, names))
        return None

    def _windowed(self, window: ast.expr, names: Names) -> PandasClass | None:
        """``frame.rolling(3).mean()`` is a frame, ``series.rolling(3).mean()`` a series."""
        if isinstance(window, ast.Call) and isinstance(window.func, ast.Attribute):
            owner = self.expression(window.func.value, names)
            return owner if owner in (_DF, _S) else None
        return None

    def _arguments(self, call: ast.Call, names: Names) -> Arguments:
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        return tuple(self.expression(a, names) for a in positional[:_MAX_ARGUMENTS])

    def _subscript(self, node: ast.Subscript, names: Names) -> PandasClass | None:
        value, key = node.value, node.slice
        if isinstance(value, ast.Attribute) and value.attr in ("loc", "iloc"):
            owner = self.expression(value.value, names)
            if owner is _DF and isinstance(key, ast.Tuple) and len(key.elts) == 2:
                return _S if _is_scalar(key.elts[1]) else _DF
            if owner in (_DF, _S):
                return None if _is_scalar(key) else owner
            return None
        owner = self.expression(value, names)
        if owner is _DF:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return _S
            if isinstance(key, ast.List | ast.Slice | ast.Compare | ast.BoolOp):
                return _DF
            if isinstance(key, ast.BinOp | ast.UnaryOp) or self.expression(key, names) in (
                _S,
                _ARR,
            ):
                return _DF
            return None
        if owner is _GB:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return _SGB
            return _GB if isinstance(key, ast.List) else None
        if owner in (_S, _IX, _ARR):
            return None if _is_scalar(key) or isinstance(key, ast.Name) else owner
        return None

    # helpers ------------------------------------------------------------------

    def _helper(self, name: str, arguments: Arguments = ()) -> PandasClass | None:
        if self.depth >= _MAX_DEPTH:
            return None
        function = self.functions.get(name)
        if function is not None:
            return self.returned(function, arguments)
        origin = self.imports.get(name)
        if origin is None or "." not in origin or self.find_module is None:
            return None
        module_name, _, function_name = origin.rpartition(".")
        module = self.find_module(module_name)
        if module is None:
            return None
        other = _Reader(module, self.find_module, self.depth + 1, memo=self.memo)
        found = other.functions.get(function_name)
        return other.returned(found, arguments) if found is not None else None

    def returned(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, arguments: Arguments = ()
    ) -> PandasClass | None:
        """What a function called with ``arguments`` returns: its annotation, else the one
        class all its returns have (None while it is being read: recursion tells nothing)."""
        key = (id(function), arguments)
        known = self.memo.returns.get(key)
        if known is not None:
            return None if known is _PENDING else known  # type: ignore[return-value]
        if key in self.memo.returns:
            return None
        self.memo.returns[key] = _PENDING
        found = self._returned(function, arguments)
        self.memo.returns[key] = found
        return found

    def _returned(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, arguments: Arguments
    ) -> PandasClass | None:
        if function.returns is not None:
            return self.annotation(function.returns)
        deeper = _Reader(
            self.module,
            self.find_module,
            self.depth + 1,
            self.imports,
            self.functions,
            self.memo,
            arguments,
        )
        results: set[PandasClass | None] = set()
        for statement in _own_nodes(function):
            if isinstance(statement, ast.Return):
                if statement.value is None:
                    return None
                names = deeper.names_before(function, statement.lineno, statement.col_offset)
                results.add(deeper.expression(statement.value, names))
        return results.pop() if len(results) == 1 else None

    # statements ---------------------------------------------------------------

    def parameters(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Names:
        """The classes the parameters start with: the contract's frames for ``azureml_main``,
        else what their annotations say, else the class of the argument of the call being
        read."""
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        is_entry = function.name == ENTRY_POINT and function in self.module.body
        passed = self.arguments if self.depth else ()
        names: Names = {}
        for index, arg in enumerate([*positional, *args.kwonlyargs]):
            if is_entry and index < min(MAX_FRAMES, len(positional)):
                names[arg.arg] = _DF
            else:
                given = passed[index] if index < min(len(passed), len(positional)) else None
                names[arg.arg] = self.annotation(arg.annotation) or given
        for star in (args.vararg, args.kwarg):
            if star is not None:
                names[star.arg] = None
        return names

    def names_before(
        self, scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef, line: int, column: int
    ) -> Names:
        """The class of every name of ``scope`` just before a 1-based line and column."""
        names: Names = {}
        if not isinstance(scope, ast.Module):
            names.update(self.module_names())
            local, declared = _scope_names(scope.body)
            for name in local:
                names.pop(name, None)  # a local name: unbound until assigned
            names.update(self.parameters(scope))
            for name in declared:
                names[name] = None
        self._follow(scope.body, (line, column), names)
        return names

    def module_names(self) -> Names:
        """The module's names after its body ran (what a function sees when called)."""
        known = self.memo.module_names.get(id(self.module))
        if known is not None:
            return known
        names: Names = {}
        self.memo.module_names[id(self.module)] = names  # a helper read meanwhile sees these
        end = max((s.end_lineno or s.lineno for s in self.module.body), default=0) + 1
        self._follow(self.module.body, (end, 0), names)
        return names

    def _follow(self, body: list[ast.stmt], position: tuple[int, int], names: Names) -> None:
        for statement in body:
            start = (statement.lineno, statement.col_offset)
            end = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
            if start >= position:
                return
            if end < position or not _has_body(statement):
                if end < position:
                    self._bind(statement, names)
                continue
            started = [b for b in _bodies(statement) if (b[0].lineno, b[0].col_offset) <= position]
            if started:
                if isinstance(statement, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
                    for name in _targets_of(statement):
                        names[name] = None
                self._follow(max(started, key=lambda b: b[0].lineno), position, names)
            return

    def _deferred(self, value: ast.expr, names: Names) -> _Deferred | None:
        """A call of a helper by name, to be read on demand (reading every helper of a long
        script would cost more than the answer is worth)."""
        if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Name):
            return None
        name = value.func.id
        origin = self.imports.get(name, "")
        if name not in self.functions and origin.split(".")[0] in ("", "pandas", "numpy"):
            return None
        if any(k.arg == "inplace" for k in value.keywords):
            return None
        seen = dict(names)  # the arguments' classes at the call, read with the helper
        return _Deferred(lambda: self._helper(name, self._arguments(value, seen)))

    def _bind(self, statement: ast.stmt, names: Names) -> None:
        if isinstance(statement, ast.Assign):
            value = self._deferred(statement.value, names) or self.expression(
                statement.value, names
            )
            for target in statement.targets:
                for name in _stored(target):
                    names[name] = value if isinstance(target, ast.Name) else None
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            declared = self.annotation(statement.annotation)
            value = self.expression(statement.value, names) if statement.value else None
            names[statement.target.id] = declared or value
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[statement.name] = None
        elif _has_body(statement):
            before = dict(names)
            branches = [dict(before) for _ in _bodies(statement)]
            for branch, inner in zip(branches, _bodies(statement), strict=True):
                for name in _targets_of(statement):
                    branch[name] = None
                self._follow(inner, (10**9, 0), branch)
            for name in {n for b in branches for n in b}:
                kinds = {_resolved(b.get(name)) for b in branches}
                if name in before or not isinstance(statement, ast.If | ast.Try):
                    kinds.add(_resolved(before.get(name)))
                names[name] = kinds.pop() if len(kinds) == 1 else None
        else:
            for name in _scope_names([statement])[0]:
                names[name] = None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_list(call: ast.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0], ast.List | ast.Dict)


def _is_scalar(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str | int)


def _has_body(statement: ast.stmt) -> bool:
    return bool(_bodies(statement))


def _bodies(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists a compound statement runs (bodies, branches, handlers)."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    found: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(statement, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            found.append(value)
    for handler in getattr(statement, "handlers", []) or []:
        found.append(handler.body)
    for case in getattr(statement, "cases", []) or []:
        found.append(case.body)
    return found


def _targets_of(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.For | ast.AsyncFor):
        return list(_stored(statement.target))
    if isinstance(statement, ast.With | ast.AsyncWith):
        return [n for item in statement.items if item.optional_vars is not None
                for n in _stored(item.optional_vars)]  # fmt: skip
    return []


def _stored(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
        return
    for node in ast.walk(target):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, not those of the functions and classes nested in it."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, nested):
            stack.extend(ast.iter_child_nodes(node))


def _scope_names(body: list[ast.stmt]) -> tuple[set[str], set[str]]:
    """The names a list of statements binds in its own scope, and those it declares
    ``global`` or ``nonlocal``. Statements and their targets only: expressions are not
    walked (an assignment expression, ``:=``, in a condition is not seen), which keeps this
    cheap on a long function."""
    bound: set[str] = set()
    declared: set[str] = set()
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(statement.name)
            continue
        if isinstance(statement, ast.Global | ast.Nonlocal):
            declared.update(statement.names)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            bound.update(a.asname or a.name.split(".")[0] for a in statement.names)
        for target in _statement_targets(statement):
            bound.update(_stored_or_deleted(target))
        for handler in getattr(statement, "handlers", []) or []:
            if handler.name:
                bound.add(handler.name)
        for case in getattr(statement, "cases", []) or []:
            bound.update(_pattern_names(case.pattern))
        for inner in _bodies(statement):
            stack.extend(reversed(inner))
    return bound, declared


def _statement_targets(statement: ast.stmt) -> list[ast.expr]:
    if isinstance(statement, ast.Assign | ast.Delete):
        return list(statement.targets)
    if isinstance(statement, ast.AugAssign | ast.AnnAssign | ast.For | ast.AsyncFor):
        return [statement.target]
    if isinstance(statement, ast.With | ast.AsyncWith):
        return [i.optional_vars for i in statement.items if i.optional_vars is not None]
    return []


def _stored_or_deleted(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
        return
    for node in ast.walk(target):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            yield node.id


def _pattern_names(pattern: ast.pattern) -> Iterator[str]:
    for node in ast.walk(pattern):
        name = getattr(node, "name", None) or getattr(node, "rest", None)
        if isinstance(name, str):
            yield name


# the public API ---------------------------------------------------------------


def statements_at(module: ast.Module, line: int) -> list[ast.stmt]:
    """The statements that hold a 1-based line, outermost first."""
    path: list[ast.stmt] = []
    bodies: list[list[ast.stmt]] = [module.body]
    while bodies:
        body = bodies.pop()
        found = next((s for s in body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
        if found is None:
            continue
        path.append(found)
        bodies = _bodies(found)
        if isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bodies = [found.body]
    return path


def innermost_scope(
    module: ast.Module, line: int
) -> ast.Module | ast.FunctionDef | ast.AsyncFunctionDef:
    """The function whose body holds a 1-based line (the module when none does)."""
    scope: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef = module
    for statement in statements_at(module, line):
        if (
            isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
            and statement.body[0].lineno <= line
        ):
            scope = statement
    return scope


def class_at(
    module: ast.Module,
    expression: ast.expr,
    line: int,
    column: int,
    find_module: ModuleSource | None = None,
) -> PandasClass | None:
    """The class ``expression`` has when evaluated at a 1-based line and column of ``module``;
    None when the syntax does not tell."""
    reader = _Reader(module, find_module)
    scope = innermost_scope(module, line)
    return reader.expression(expression, reader.names_before(scope, line, column))


def parse_module(
    source: str, line: int | None = None, typed_first: bool = False
) -> ast.Module | None:
    """``source``'s tree; when it does not parse, the tree with ``line`` (the one being typed)
    replaced by ``pass``; None when that does not parse either. ``typed_first`` tries the
    replaced line first (a line being completed rarely parses)."""
    attempts = (
        [with_pass(source, line), source] if typed_first else [source, with_pass(source, line)]
    )
    for text in attempts:
        if text is None:
            continue
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError):
            continue
    return None


def with_pass(source: str, line: int | None) -> str | None:
    """``source`` with a 1-based ``line`` (the one being typed) replaced by ``pass``; None when
    there is no such line."""
    lines = source.splitlines(keepends=True)
    if line is None or not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    indent = text[: len(text) - len(text.lstrip())]
    lines[line - 1] = f"{indent}pass\n"
    return "".join(lines)


def receiver_before(text: str, column: int) -> str | None:
    """The text of the expression that ends just before ``column`` of one line (the receiver
    of an attribute: ``df.groupby("a")`` in ``df.groupby("a").su``), None when there is none."""
    index = column
    depth = 0
    closing = {")": "(", "]": "[", "}": "{"}
    while index > 0:
        char = text[index - 1]
        if char in "\"'":
            start = text.rfind(char, 0, index - 1)
            if start < 0:
                return None
            index = start
            continue
        if char in closing:
            depth += 1
        elif char in "([{":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and not (char.isalnum() or char in "_."):
            break
        index -= 1
    found = text[index:column].strip()
    if not found or found[0].isdigit() or found[0] == ".":
        return None
    return found
