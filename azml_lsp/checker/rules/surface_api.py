"""AZ404-AZ406 and AZ304: names and arguments the target's packages or Python lack, read from
the API surfaces (``azml_lsp.surfaces``) of the cloud's real packages."""

from __future__ import annotations

import ast
from functools import cache

from azml_lsp import surfaces
from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.python_versions import PYTHON2_MEMBER_RENAMES, PYTHON2_MEMBERS
from azml_lsp.checker.receivers import receiver_class
from azml_lsp.checker.registry import Rule, register
from azml_lsp.checker.rules.imports import from_module_edit
from azml_lsp.checker.rules.pandas_api import REMOVED, local_pandas
from azml_lsp.contract.pandas_api import (
    ADDED_ATTRIBUTES,
    ADDED_RENAMES,
    ADDED_REPLACEMENTS,
    REMOVED_ARGUMENTS,
    REMOVED_FUNCTIONS,
    REMOVED_METHODS,
    SKLEARN_MOVED_MODULES,
    version_tuple,
)
from azml_lsp.surfaces import Surface

NOT_IN_TARGET = register(Rule(
    "AZ404", "pandas-api-not-in-target", Severity.ERROR,
    "Reports pandas methods, attributes and functions that the target's pandas does not have "
    "yet (`DataFrame.map`, `Series.case_when`, `.to_numpy()`, `pd.json_normalize` ...), read "
    "from the API surface of the cloud's pandas.",
    "The script runs with the newer pandas installed here and fails in the cloud with "
    "AttributeError.",
    "def azureml_main(dataframe1=None):\n    return dataframe1.map(str),  # pandas 2.1",
    "Use the older API named in the message (`.applymap`, `.values` ...), or check under the "
    "target's twin (`azml run --env NAME`). The fix writes `df.applymap(f)` for `df.map(f)` "
    "and `df.values` for `df.to_numpy()`.",
    needs_jedi=True,
    fixable=True,
))  # fmt: skip
ARGUMENT_NOT_IN_TARGET = register(Rule(
    "AZ405", "pandas-argument-not-in-target", Severity.ERROR,
    "Reports keyword arguments that the target's pandas method or function does not take "
    "(`sort_values(key=...)` before 1.1, `read_csv(on_bad_lines=...)` before 1.3 ...).",
    "They raise TypeError (unexpected keyword argument) in the cloud.",
    "def azureml_main(dataframe1=None):\n"
    "    return dataframe1.sort_values('a', key=abs),",
    "Drop the argument or do its work in a separate step.",
    needs_jedi=True,
))  # fmt: skip
MODULE_NOT_IN_TARGET = register(Rule(
    "AZ406", "module-not-in-target", Severity.ERROR,
    "Reports scikit-learn modules and names that the target's scikit-learn lacks: "
    "`sklearn.cross_validation` after 0.20, `sklearn.model_selection` before 0.18 ...",
    "The import fails in the cloud with ModuleNotFoundError or ImportError.",
    "from sklearn.cross_validation import train_test_split",
    "Import from the module named in the message (`sklearn.model_selection`). The fix does so "
    "when every imported name takes there the parameters it took before (read from the "
    "surfaces: `train_test_split`, not `KFold`, whose `n, n_folds` became `n_splits`).",
    fixable=True,
))  # fmt: skip
STDLIB_MEMBER = register(Rule(
    "AZ304", "stdlib-member-not-in-target", Severity.ERROR,
    "Reports standard-library members of Python 2 under a Python 3 target (`string.maketrans`, "
    "`itertools.izip`, `urllib.urlencode`, `sys.maxint` ...), Python 2's two-argument "
    "`str.translate(table, deletechars)`, and Python 3-only members under a Python 2.7 target "
    "(`itertools.zip_longest` ...).",
    "They parse on both Pythons and raise AttributeError, ImportError or TypeError when the "
    "line runs.",
    "import string\ntable = string.maketrans('abc', 'xyz')",
    "Use the name the target's Python has (named in the message); the fix writes it where it "
    "takes the same arguments (`str.maketrans`, `zip`, `sys.maxsize` ...).",
    fixable=True,
))  # fmt: skip


def pandas_surface(ctx: Context) -> Surface | None:
    """The surface of the target's pandas; None when none is shipped for that pandas."""
    config = ctx.config
    try:
        surface = surfaces.load(surfaces.target_name(config.dialect, config.python, config.env))
    except KeyError:
        return None
    return (
        surface if version_tuple(surface.pandas)[:2] == version_tuple(config.pandas)[:2] else None
    )


def _target_label(ctx: Context, surface: Surface) -> str:
    """``pandas 0.25.3 (designer)``: the cloud's pandas, not the stand-in installed in a twin."""
    return f"pandas {ctx.config.pandas} ({ctx.config.env or surface.name})"


@cache
def _by_pandas() -> list[Surface]:
    shipped = [surfaces.load(n) for n in surfaces.names()]
    return sorted((s for s in shipped if s.pandas), key=lambda s: version_tuple(s.pandas))


def _added_in(owner: str, member: str, parameter: str, target: Surface) -> str:
    """``"it was added in 2.1.0"`` from pandas' notes, else the first shipped surface having it."""
    note = surfaces.load(surfaces.LATEST).added.get(owner, {}).get(member, {}).get(parameter)
    if note:
        return f"it was added in pandas {note}"
    later = [s for s in _by_pandas() if version_tuple(s.pandas) > version_tuple(target.pandas)]
    for surface in later:
        if parameter:
            found = parameter in _parameter_names(surface.classes.get(owner, {}).get(member))
        else:
            found = member in surface.classes.get(owner, {})
        if found:
            return f"it was added after pandas {target.pandas}: pandas {surface.pandas} has it"
    return "newer pandas has it"


def _parameter_names(signature: surfaces.Signature) -> set[str]:
    return {p.split("=")[0].lstrip("*") for p in signature or () if p not in ("*", "/")}


@cache
def _missing_members(target: str) -> dict[str, set[str]]:
    """Member name -> the pandas classes whose member the newest surface has and ``target``
    lacks (names the hand-kept removal list covers are left to AZ401)."""
    latest, old = surfaces.load(surfaces.LATEST), surfaces.load(target)
    out: dict[str, set[str]] = {}
    for owner, members in latest.classes.items():
        if not owner.startswith("pandas.") or owner not in old.classes:
            continue
        for name in set(members) - set(old.classes[owner]) - set(REMOVED_METHODS):
            out.setdefault(name, set()).add(owner)
    return out


@cache
def _missing_keywords(target: str) -> dict[tuple[str, str], set[str]]:
    """``(method, keyword)`` -> the classes whose method takes the keyword in the newest surface
    but not in ``target`` (methods without ``**kwargs`` there)."""
    latest, old = surfaces.load(surfaces.LATEST), surfaces.load(target)
    out: dict[tuple[str, str], set[str]] = {}
    tables = [(o, m) for o, m in latest.classes.items() if o.startswith("pandas.")]
    tables.append(("pandas", latest.modules.get("pandas", {})))
    for owner, members in tables:
        before = old.modules.get("pandas", {}) if owner == "pandas" else old.classes.get(owner)
        if before is None:
            continue
        for name, signature in members.items():
            was = before.get(name)
            if signature is None or was is None or any(p.startswith("**") for p in was):
                continue
            for keyword in _parameter_names(signature) - _parameter_names(was):
                if (name, keyword) not in REMOVED_ARGUMENTS:
                    out.setdefault((name, keyword), set()).add(owner)
    return out


def check_members(ctx: Context) -> None:
    """AZ404 on ``receiver.name`` and ``pd.name`` the target's pandas lacks."""
    target = pandas_surface(ctx)
    if target is None:
        return
    missing = _missing_members(target.name)
    latest_pandas = surfaces.load(surfaces.LATEST).modules.get("pandas", {})
    old_pandas = target.modules.get("pandas", {})
    calls = {id(call.func): call for call in ctx.nodes(ast.Call)}
    for attribute in ctx.nodes(ast.Attribute):
        name = attribute.attr
        new_function = name in latest_pandas and name not in old_pandas
        if new_function and name not in REMOVED_FUNCTIONS and _is_pandas_name(ctx, attribute):
            _report_member(ctx, attribute, target, "pandas", name)
            continue
        owners = missing.get(name)
        if owners and isinstance(attribute.ctx, ast.Load):
            owner = receiver_class(ctx, attribute.value)
            if owner in owners:
                fix = _member_fix(ctx, attribute, calls.get(id(attribute)), target, owner)
                _report_member(ctx, attribute, target, owner, name, fix)
    for node in ctx.nodes(ast.ImportFrom):
        if node.module == "pandas":
            for alias in node.names:
                known = alias.name in latest_pandas and alias.name not in REMOVED_FUNCTIONS
                if known and alias.name not in old_pandas:
                    _report_member(ctx, node, target, "pandas", alias.name)


def _is_pandas_name(ctx: Context, attribute: ast.Attribute) -> bool:
    return ctx.inference.origin(attribute) == f"pandas.{attribute.attr}"


def _member_fix(
    ctx: Context, attribute: ast.Attribute, call: ast.Call | None, target: Surface, owner: str
) -> Fix | None:
    """``df.map(f)`` -> ``df.applymap(f)``, ``df.to_numpy()`` -> ``df.values``, where the target
    has the older name."""
    key = (owner.removeprefix("pandas."), attribute.attr)
    if call is None or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    members = target.classes.get(owner, {})
    line, _, end_line, end_column = ctx.span(attribute)
    if line != end_line:
        return None
    start = end_column - len(attribute.attr)
    older = ADDED_RENAMES.get(key)
    if older in members and len(call.args) == 1:
        return Fix(f"Use `.{older}(...)`", [TextEdit(end_line, start, end_line, end_column, older)])
    older = ADDED_ATTRIBUTES.get(key)
    if older in members and not call.args:
        _, _, call_line, call_end = ctx.span(call)
        return Fix(f"Use `.{older}`", [TextEdit(end_line, start, call_line, call_end, older)])
    return None


def _report_member(
    ctx: Context, node: ast.AST, target: Surface, owner: str, name: str, fix: Fix | None = None
) -> None:
    short = owner.removeprefix("pandas.")
    qualified = f"pd.{name}" if owner == "pandas" else f"{short}.{name}"
    added = "" if owner == "pandas" else f"; {_added_in(owner, name, '', target)}"
    replacement = ADDED_REPLACEMENTS.get((short, name))
    ctx.report(
        NOT_IN_TARGET.code,
        node,
        f"`{qualified}` does not exist in {_target_label(ctx, target)}{added}"
        + (f": use {replacement}" if replacement else ""),
        fix,
    )


@cache
def _gone_members(target: str) -> dict[str, set[str]]:
    """Member name -> the pandas classes whose member ``target`` has and the newest surface
    lacks (beyond the hand-kept removal list, which AZ401 reports with its replacements)."""
    latest, old = surfaces.load(surfaces.LATEST), surfaces.load(target)
    out: dict[str, set[str]] = {}
    for owner, members in old.classes.items():
        if owner.startswith("pandas.") and owner in latest.classes:
            for name in set(members) - set(latest.classes[owner]) - set(REMOVED_METHODS):
                out.setdefault(name, set()).add(owner)
    return out


def check_gone_here(ctx: Context) -> None:
    """AZ401 (warning) on members the target's pandas has and the newest pandas lacks."""
    target = pandas_surface(ctx)
    if target is None:
        return
    gone = _gone_members(target.name)
    latest = surfaces.load(surfaces.LATEST)
    local = local_pandas()
    here = local is not None and version_tuple(local) >= version_tuple(latest.pandas)
    for attribute in ctx.nodes(ast.Attribute):
        owners = gone.get(attribute.attr)
        if not owners:
            continue
        owner = receiver_class(ctx, attribute.value)
        if owner not in owners:
            continue
        qualified = f"{owner.removeprefix('pandas.')}.{attribute.attr}"
        span = surfaces.lifetime("classes", owner, attribute.attr).disappeared()
        ctx.report(
            REMOVED.code,
            attribute,
            f"`{qualified}` is in {_target_label(ctx, target)}, so it runs in the cloud, but "
            f"pandas {latest.pandas} no longer has it"
            + (" (nor the pandas installed here)" if here else "")
            + (f"; the last shipped pandas with it is {span[0]}" if span else "")
            + ": see the pandas release notes for its replacement",
            severity=Severity.WARNING,
        )


def check_keywords(ctx: Context) -> None:
    """AZ405 on keyword arguments the target's pandas method or function does not take."""
    target = pandas_surface(ctx)
    if target is None:
        return
    missing = _missing_keywords(target.name)
    for call in ctx.nodes(ast.Call):
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        for keyword in call.keywords:
            owners = missing.get((func.attr, keyword.arg or ""))
            if not owners:
                continue
            is_pandas = ctx.inference.origin(func) == f"pandas.{func.attr}"
            owner = "pandas" if is_pandas else receiver_class(ctx, func.value)
            if owner not in owners:
                continue
            short = owner.removeprefix("pandas.")
            where = f"pd.{func.attr}" if owner == "pandas" else f"{short}.{func.attr}"
            ctx.report(
                ARGUMENT_NOT_IN_TARGET.code,
                keyword,
                f"`{func.attr}({keyword.arg}=...)`: `{where}` takes no `{keyword.arg}` in "
                f"{_target_label(ctx, target)}; {_added_in(owner, func.attr, keyword.arg or '', target)}",
            )


def check_modules(ctx: Context) -> None:
    """AZ406 on scikit-learn modules and names the target's scikit-learn lacks."""
    config = ctx.config
    try:
        target = surfaces.load(surfaces.target_name(config.dialect, config.python, config.env))
    except KeyError:
        return
    version = target.packages.get("scikit-learn")
    if version is None:
        return
    label = f"scikit-learn {version} ({config.env or target.name})"
    for node, module, names in _imports(ctx):
        parts = module.split(".")
        if parts[0] != "sklearn" or len(parts) < 2 or node.lineno in ctx.import_guarded_lines:
            continue
        head = ".".join(parts[:2])
        if head not in target.modules:
            instead = SKLEARN_MOVED_MODULES.get(head)
            ctx.report(
                MODULE_NOT_IN_TARGET.code,
                node,
                f"`{head}` does not exist in {label}" + (f": use `{instead}`" if instead else ""),
                _moved_fix(ctx, node, names, target, instead),
            )
            continue
        if len(parts) != 2:
            continue
        for name in names:
            if name not in target.modules[head] and name != "*":
                where = [
                    s.packages.get("scikit-learn", "?")
                    for s in map(surfaces.load, surfaces.present_in("modules", head, name))
                ]
                having = f": scikit-learn {', '.join(where)} has it" if where else ""
                ctx.report(
                    MODULE_NOT_IN_TARGET.code,
                    node,
                    f"`{head}` has no `{name}` in {label}{having}",
                )


def _moved_fix(
    ctx: Context, node: ast.stmt, names: list[str], target: Surface, instead: str | None
) -> Fix | None:
    """``from sklearn.cross_validation import train_test_split`` -> ``from
    sklearn.model_selection import ...`` when each name takes in the target's module the
    parameters it took in the old one."""
    if not (isinstance(node, ast.ImportFrom) and instead in target.modules and names):
        return None
    assert instead is not None and node.module is not None
    new = target.modules[instead]
    for name in names:
        old = [
            surfaces.load(s).modules[node.module][name]
            for s in surfaces.present_in("modules", node.module, name)
        ]
        if name not in new or not old or not all(_accepts(new[name], o) for o in old):
            return None
    edit = from_module_edit(ctx, node, instead)
    return Fix(f"Import from `{instead}`", [edit]) if edit is not None else None


def _accepts(new: surfaces.Signature, old: surfaces.Signature) -> bool:
    """Whether every call written for ``old`` binds the same way to ``new``: the same
    positional parameters first, each named one still there, the same ``*``/``**`` catch-alls."""
    if new is None or old is None:
        return False

    def positional(signature: list[str]) -> list[str]:
        names = []
        for parameter in signature:
            if parameter.startswith("*"):
                break
            if parameter != "/":
                names.append(parameter.split("=")[0])
        return names

    starred = {p for p in old if p.startswith("*") and p != "*"}
    old_positional = positional(old)
    return (
        positional(new)[: len(old_positional)] == old_positional
        and _parameter_names(old) <= _parameter_names(new) | {p.lstrip("*") for p in starred}
        and starred <= set(new)
    )


def _imports(ctx: Context) -> list[tuple[ast.stmt, str, list[str]]]:
    out: list[tuple[ast.stmt, str, list[str]]] = []
    for node in ctx.nodes(ast.Import):
        out.extend((node, alias.name, []) for alias in node.names)
    for imported in ctx.nodes(ast.ImportFrom):
        if imported.level == 0 and imported.module:
            out.append((imported, imported.module, [a.name for a in imported.names]))
    return out


def _python_surfaces(ctx: Context) -> tuple[Surface, Surface] | None:
    """(the target Python's surface, the other major version's surface)."""
    shipped = surfaces.names()
    python2 = [n for n in shipped if surfaces.load(n).python.startswith("2.")]
    if not python2 or surfaces.LATEST not in shipped:
        return None
    py2, latest = surfaces.load(python2[0]), surfaces.load(surfaces.LATEST)
    if ctx.config.version[0] == 2:
        return py2, latest
    config = ctx.config
    try:
        target = surfaces.load(surfaces.target_name(config.dialect, config.python, config.env))
    except KeyError:
        target = latest
    return (target if not target.python.startswith("2.") else latest), py2


def check_stdlib_members(ctx: Context) -> None:
    """AZ304 on ``module.name`` of the other major Python's standard library."""
    pair = _python_surfaces(ctx)
    if pair is None:
        return
    target, other = pair
    found: list[tuple[ast.AST, str, str]] = []
    for attribute in ctx.nodes(ast.Attribute):
        origin = ctx.inference.origin(attribute)
        if origin and "." in origin:
            module, _, name = origin.rpartition(".")
            found.append((attribute, module, name))
    guarded = ctx.import_guarded_lines
    for imported in ctx.nodes(ast.ImportFrom):
        if imported.level == 0 and imported.module and imported.lineno not in guarded:
            found.extend((imported, imported.module, a.name) for a in imported.names)
    for node, module, name in found:
        if module.split(".")[0] not in target.stdlib | other.stdlib:
            continue
        mine, theirs = target.modules.get(module), other.modules.get(module)
        if mine is None or theirs is None or name in mine or name not in theirs:
            continue
        qualified = f"{module}.{name}"
        instead = PYTHON2_MEMBERS.get(qualified) if other.python.startswith("2.") else None
        ctx.report(
            STDLIB_MEMBER.code,
            node,
            f"`{qualified}` is a Python {other.python[0]} name: the target Python "
            f"{ctx.config.python} has no `{qualified}`" + (f"; use `{instead}`" if instead else ""),
            _stdlib_fix(ctx, node, module, qualified, instead),
        )


def _stdlib_fix(
    ctx: Context, node: ast.AST, module: str, qualified: str, instead: str | None
) -> Fix | None:
    """``string.maketrans`` -> ``str.maketrans``, ``it.izip_longest`` -> ``it.zip_longest``:
    where the Python 3 name takes the same arguments (``PYTHON2_MEMBER_RENAMES``)."""
    if instead is None or qualified not in PYTHON2_MEMBER_RENAMES:
        return None
    if not isinstance(node, ast.Attribute):
        return None
    if instead.startswith(f"{module}."):  # same module: keep the script's name for it
        line, _, end_line, end_column = ctx.span(node)
        if line != end_line:
            return None
        start = end_column - len(node.attr)
        edit = TextEdit(end_line, start, end_line, end_column, instead.rpartition(".")[2])
    else:
        edit = ctx.replace(node, instead)
    return Fix(f"Use `{instead}`", [edit])


def check_translate(ctx: Context) -> None:
    """AZ304 on Python 2's ``text.translate(table, deletechars)`` under a Python 3 target."""
    if ctx.config.version[0] < 3:
        return
    for call in ctx.nodes(ast.Call):
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "translate"
            and len(call.args) == 2
            and not call.keywords
        ):
            continue
        deleted = call.args[1]
        if any(
            isinstance(n, ast.Constant) and isinstance(n.value, bytes)
            for n in (deleted, func.value)
        ):
            continue  # bytes.translate(table, delete) is Python 3 too
        python2_chars = (isinstance(deleted, ast.Constant) and isinstance(deleted.value, str)) or (
            ctx.inference.origin(deleted) or ""
        ).startswith("string.")
        if python2_chars or receiver_class(ctx, func.value) == "builtins.str":
            ctx.report(
                STDLIB_MEMBER.code,
                call,
                f"`str.translate(table, deletechars)` is Python 2: the target Python "
                f"{ctx.config.python}'s `str.translate` takes one table; use "
                "`text.translate(str.maketrans(from, to, deletechars))`",
            )


CHECKS = [
    (("AZ404",), check_members, True),
    (("AZ401",), check_gone_here, True),
    (("AZ405",), check_keywords, True),
    (("AZ406",), check_modules, True),
    (("AZ304",), check_stdlib_members, True),
    (("AZ304",), check_translate, True),
]
