"""What kind of value an expression holds: first from the syntax, then (lazily) from jedi."""

from __future__ import annotations

import ast
import enum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from azml_lsp.checker.context import FunctionNode
from azml_lsp.checker.pausing import pause_point

if TYPE_CHECKING:
    from azml_lsp.checker.context import Context


class Kind(enum.Enum):
    FRAME = "a pandas DataFrame"
    SERIES = "a pandas Series"
    ARRAY = "a NumPy array"
    NONE = "None"
    TUPLE = "a tuple"
    LIST = "a list"
    DICT = "a dict"
    STRING = "a string"
    NUMBER = "a number"
    MODEL = "a model object"
    UNKNOWN = "unknown"


FRAME_FACTORIES = frozenset(
    {
        "DataFrame", "concat", "merge", "merge_asof", "merge_ordered", "pivot_table", "pivot",
        "crosstab", "get_dummies", "json_normalize", "read_csv", "read_table", "read_excel",
        "read_json", "read_parquet", "read_pickle", "read_sql", "read_sql_query", "read_sql_table",
        "read_feather", "read_fwf", "read_html", "read_hdf", "read_stata", "read_sas", "melt",
        "wide_to_long",
    }
)  # fmt: skip
FRAME_METHODS = frozenset(
    {
        "copy", "drop", "dropna", "fillna", "merge", "join", "rename", "reset_index", "set_index",
        "sort_values", "sort_index", "head", "tail", "assign", "astype", "query", "filter",
        "drop_duplicates", "sample", "transpose", "describe", "pivot", "pivot_table", "melt",
        "apply", "agg", "aggregate", "sum", "mean", "count", "first", "last", "min", "max",
        "replace", "round", "abs", "select_dtypes", "nlargest", "nsmallest", "corr", "cov",
        "reindex", "combine_first", "to_frame", "interpolate", "where", "mask", "clip",
        "ffill", "bfill", "explode", "stack", "unstack", "size", "append", "ix", "sort",
    }
)  # fmt: skip
MODEL_MODULES = frozenset(
    {"sklearn", "xgboost", "lightgbm", "catboost", "keras", "tensorflow", "statsmodels", "torch"}
)
_JEDI_KINDS = {
    "pandas.core.frame.DataFrame": Kind.FRAME,
    "pandas.core.series.Series": Kind.SERIES,
    "numpy.ndarray": Kind.ARRAY,
    "builtins.str": Kind.STRING,
    "builtins.list": Kind.LIST,
    "builtins.tuple": Kind.TUPLE,
    "builtins.dict": Kind.DICT,
    "builtins.int": Kind.NUMBER,
    "builtins.float": Kind.NUMBER,
}
_MAX_DEPTH = 8


class Inference:
    """Value kinds for one script; jedi is started only when the syntax cannot tell."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.jedi_calls = 0
        self._jedi_script: Any = None

    @cached_property
    def _imports(self) -> dict[str, str]:
        """Local name -> dotted origin (``pd`` -> ``pandas``, ``LR`` -> ``sklearn...LinearRegression``)."""
        names: dict[str, str] = {}
        for node in self.ctx.nodes(ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        for imported in self.ctx.nodes(ast.ImportFrom):
            for alias in imported.names:
                names[alias.asname or alias.name] = f"{imported.module or ''}.{alias.name}"
        return names

    def origin(self, node: ast.expr) -> str | None:
        """The dotted name an expression refers to through imports (``pd.read_csv`` ->
        ``pandas.read_csv``), or None."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self._imports:
            return None
        return ".".join([self._imports[node.id], *reversed(parts)])

    def kind(self, node: ast.expr, scope: FunctionNode | None, jedi: bool = False) -> Kind:
        """The kind of ``node`` evaluated inside ``scope`` (None: module level)."""
        found = self._syntactic(node, scope, 0)
        if found is Kind.UNKNOWN and jedi and self.ctx.config.use_jedi:
            return self._jedi(node)
        return found

    def _syntactic(self, node: ast.expr, scope: FunctionNode | None, depth: int) -> Kind:
        if depth > _MAX_DEPTH:
            return Kind.UNKNOWN
        if isinstance(node, ast.Constant):
            if node.value is None:
                return Kind.NONE
            return Kind.STRING if isinstance(node.value, str | bytes) else Kind.NUMBER
        simple = _LITERAL_KINDS.get(type(node))
        if simple is not None:
            return simple
        if isinstance(node, ast.Name):
            return self._name(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        if isinstance(node, ast.Attribute) and node.attr == "values":
            return Kind.ARRAY
        frame_columns = isinstance(node, ast.Subscript) and isinstance(node.slice, ast.List)
        if frame_columns and self._syntactic(node.value, scope, depth + 1) is Kind.FRAME:  # type: ignore[attr-defined]
            return Kind.FRAME
        return Kind.UNKNOWN

    def _call(self, node: ast.Call, scope: FunctionNode | None, depth: int) -> Kind:
        origin = self.origin(node.func) or ""
        head, _, last = origin.rpartition(".")
        if head.split(".")[0] == "pandas":
            if last in FRAME_FACTORIES:
                return Kind.FRAME
            if last == "Series":
                return Kind.SERIES
        if origin.split(".")[0] == "numpy":
            return Kind.ARRAY
        if origin.split(".")[0] in MODEL_MODULES and last[:1].isupper():
            return Kind.MODEL
        if isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method == "fit":
                return Kind.MODEL
            receiver = self._syntactic(node.func.value, scope, depth + 1)
            if receiver is Kind.FRAME and method in FRAME_METHODS:
                return Kind.FRAME
            if receiver is Kind.SERIES and method in ("to_frame", "reset_index"):
                return Kind.FRAME
            if receiver is Kind.MODEL and method in ("fit", "set_params"):
                return Kind.MODEL
        return Kind.UNKNOWN

    def _name(self, node: ast.Name, scope: FunctionNode | None, depth: int) -> Kind:
        if scope is not None and scope is self.ctx.entry_function:
            arguments = scope.args
            params = [*arguments.posonlyargs, *arguments.args]
            if any(p.arg == node.id for p in params):
                return Kind.FRAME
        values = self._assignments(scope).get(node.id)
        if not values:
            return Kind.UNKNOWN
        kinds = {self._syntactic(v, scope, depth + 1) for v in values}
        return kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN

    def _assignments(self, scope: FunctionNode | None) -> dict[str, list[ast.expr]]:
        key = id(scope)
        cache: dict[int, dict[str, list[ast.expr]]] = self.__dict__.setdefault("_scopes", {})
        if key not in cache:
            tree = self.ctx.tree
            cache[key] = _assigned_values(scope.body if scope else (tree.body if tree else []))
        return cache[key]

    def _jedi(self, node: ast.expr) -> Kind:
        try:
            if self._jedi_script is None:
                import jedi

                from azml_lsp.checker.parse_cache_files import share_parse_cache_safely

                share_parse_cache_safely()
                self._jedi_script = jedi.Script(self.ctx.source, path=self.ctx.path)
            _, _, end_line, end_column = self.ctx.span(node)
            self.jedi_calls += 1
            pause_point()
            # just after the expression: jedi then infers all of it (a call's result, not an argument)
            names = self._jedi_script.infer(end_line, max(end_column - 1, 0))
        except Exception:
            return Kind.UNKNOWN
        kinds: set[Kind] = set()
        for name in names:
            full = name.full_name or ""
            if full in _JEDI_KINDS:
                kinds.add(_JEDI_KINDS[full])
            elif name.type == "instance" and full.split(".")[0] in MODEL_MODULES:
                kinds.add(Kind.MODEL)
        return kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN


_LITERAL_KINDS: dict[type, Kind] = {
    ast.JoinedStr: Kind.STRING,
    ast.Tuple: Kind.TUPLE,
    ast.List: Kind.LIST,
    ast.ListComp: Kind.LIST,
    ast.Dict: Kind.DICT,
    ast.DictComp: Kind.DICT,
}


def _assigned_values(body: list[ast.stmt]) -> dict[str, list[ast.expr]]:
    """Name -> every value assigned to it in ``body`` (not inside nested functions or classes)."""
    out: dict[str, list[ast.expr]] = {}
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
                else:
                    _opaque(out, target)
        elif isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor):
            _opaque(out, node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            _opaque(out, node.optional_vars)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
            target = node.target
            if isinstance(target, ast.Name):
                out.setdefault(target.id, []).append(node.value)
        stack.extend(ast.iter_child_nodes(node))
    return out


_UNKNOWN = ast.Name(id=" unknown")


def _opaque(out: dict[str, list[ast.expr]], target: ast.AST) -> None:
    """Names bound by loops, unpacking or augmented assignment have no known kind.

    ``frame["a"] = ...`` and ``obj.attr = ...`` change an object, not what its name is bound to.
    """
    if isinstance(target, ast.Name):
        out.setdefault(target.id, []).append(_UNKNOWN)
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            _opaque(out, element)
    elif isinstance(target, ast.Starred):
        _opaque(out, target.value)
