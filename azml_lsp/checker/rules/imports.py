"""AZ5xx: imports resolve in this environment or the Script Bundle; bundle names do not clash."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from azml_lsp import surfaces
from azml_lsp.bundles import BundleError, list_modules
from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.python_versions import (
    PYTHON2_MODULE_RENAMES,
    PYTHON2_MODULES,
    PYTHON3_STDLIB_SINCE,
)
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract import BUNDLE_DIR_NAME

UNRESOLVED = register(Rule(
    "AZ501", "unresolved-import", Severity.ERROR,
    "Reports imports that neither this Python environment nor the Script Bundle (`--bundle`, "
    "`bundle=` in the settings) can resolve. Imports guarded by `try: ... except ImportError` "
    "are skipped. The standard library follows the target Python: Python 2 modules resolve "
    "under 2.7; standard modules of the other Python are AZ305's.",
    "The import fails at load time with ModuleNotFoundError (error 0085). Code the script "
    "needs beyond the runtime's packages must come in the Script Bundle zip.",
    "import mylib  # neither installed nor in the bundle\n\ndef azureml_main(dataframe1=None):\n"
    "    return mylib.clean(dataframe1),",
    "Install the package, put the module at the root of the bundle zip, or pass the bundle with "
    "`--bundle`.",
))  # fmt: skip
STDLIB_MODULE = register(Rule(
    "AZ305", "stdlib-module-not-in-target", Severity.ERROR,
    "Reports imports of standard modules the target Python lacks: Python 2 modules (`urllib2`, "
    "`cPickle`, `StringIO`, `ConfigParser` ...) under a Python 3 target, and modules added in "
    "Python 3 (`pathlib`, `dataclasses`, `secrets` ...) under an older target. Imports guarded "
    "by `try: ... except ImportError` are skipped.",
    "The import fails when the script is loaded (ImportError, error 0085): scripts written for "
    "Studio's Python 2.7 stop at their first line under the designer's Python 3.",
    "import urllib2  # Python 2\n\ndef azureml_main(dataframe1=None):\n"
    "    return dataframe1,",
    "Import the Python 3 module named in the message (`urllib.request`, `pickle`, `io`), or "
    "for an older target ship a backport in the Script Bundle. Where the Python 3 module has "
    "the same names (`cPickle`, `Queue`, `ConfigParser` ...), the fix imports it under the old "
    "name: `import pickle as cPickle`.",
    fixable=True,
))  # fmt: skip
PYTHON2_BUNDLE = register(Rule(
    "AZ505", "python2-bundle", Severity.ERROR,
    "Reports a Script Bundle that carries a Python 2.7 package folder (`Python27/site-packages`, "
    "with its eggs) when the target is Python 3, at each import it would serve (a warning "
    "when the script imports none of them). Under a 2.7 target that folder and its eggs go on "
    "`sys.path` after the bundle, and its modules resolve.",
    "Those packages were installed for Python 2.7 (often on Windows): the Python 3 runtime does "
    "not search that folder, and their code or compiled parts do not load on Python 3.",
    "# bundle.zip holds Python27/site-packages/simplejson/...\nimport simplejson",
    "Use Python 3 releases of those packages (the designer installs them with pip, see AZ504), "
    "or target the Python 2.7 runtime (`--target-python 2.7`, `--env classic-py27`).",
))  # fmt: skip
SHADOWS = register(Rule(
    "AZ502", "bundle-shadows-module", Severity.WARNING,
    "Reports a module or package at the root of the Script Bundle whose name is also a "
    "standard-library or installed module.",
    "The bundle folder is appended to `sys.path`, so the installed module wins and the "
    "bundle's file is never imported (names such as `test`, `app` or `utils` clash).",
    "# bundle.zip holds test.py\nimport test  # imports the standard library's test package",
    "Rename the bundle module to a unique name (for example with a project prefix).",
))  # fmt: skip
BAD_BUNDLE = register(Rule(
    "AZ503", "unreadable-bundle", Severity.ERROR,
    "Reports a Script Bundle path that does not exist or is not a valid zip file.",
    "The module fails with error 0102 (\"Given ZIP file is not in the correct format.\").",
    "azml check score.py --bundle missing.zip",
    "Pass an existing zip or folder; rebuild the zip with `azml bundle`.",
))  # fmt: skip

_EXTENSIONS = (".py", ".pyc", ".pyd", ".so")
MAX_SHOWN = 5


@lru_cache(maxsize=4096)
def installed(name: str) -> bool:
    """True when a top-level module is importable here (found, never imported)."""
    if name in sys.builtin_module_names or name in sys.stdlib_module_names:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class BundleNames:
    """What the checker reads of a Script Bundle."""

    top: frozenset[str] = frozenset()
    nested: dict[str, str] = field(default_factory=dict)
    """Modules one folder down: name -> path (the "zipped the folder" hint)."""
    python2_site: str | None = None
    python2_modules: frozenset[str] = frozenset()


@lru_cache(maxsize=64)
def bundle_modules(bundle: str, stamp: float) -> BundleNames:
    """The module names of a bundle zip or folder. Raises BundleError."""
    listing = list_modules(bundle)
    nested: dict[str, str] = {}
    for name in listing.files:
        parts = PurePosixPath(name).parts
        module = _module_name(parts[1]) if len(parts) == 2 else None
        if module:
            nested.setdefault(module, name)
    return BundleNames(
        frozenset(listing.modules),
        nested,
        listing.python2_site,
        frozenset(listing.python2_modules),
    )


def read_bundle(ctx: Context) -> BundleNames:
    """The configured bundle's names (empty without one); AZ503 when it cannot be read."""
    bundle = ctx.config.bundle
    if not bundle:
        return BundleNames()
    try:
        path = Path(bundle)
        return bundle_modules(str(path.resolve()), path.stat().st_mtime)
    except (OSError, BundleError, ValueError) as exc:
        ctx.report(
            BAD_BUNDLE.code,
            (1, 1, 1, 1),
            f"cannot read the Script Bundle {bundle}: {exc}; pass an existing zip or folder",
        )
        return BundleNames()


def _module_name(filename: str) -> str | None:
    for suffix in _EXTENSIONS:
        if filename.endswith(suffix):
            return filename[: -len(suffix)].split(".")[0]
    return None


def check_imports(ctx: Context) -> None:
    """AZ501, AZ502, AZ503, AZ305, AZ505."""
    if not ctx.config.check_imports:
        return
    names = read_bundle(ctx)
    target = ctx.config.version
    python2_site = names.python2_modules - names.top
    top = names.top | python2_site if target[0] == 2 else names.top
    guarded = ctx.import_guarded_lines
    imported: dict[str, ast.AST] = {}
    served = False
    for node, name in imported_names(ctx):
        imported.setdefault(name, node)
        if node.lineno in guarded or name in top:
            continue
        if name in python2_site:
            served = True
            ctx.report(PYTHON2_BUNDLE.code, node, _python2_bundle_message(ctx, names, name))
        elif (message := stdlib_module_message(name, target, ctx.config.python)) is not None:
            ctx.report(STDLIB_MODULE.code, node, message, _module_fix(ctx, node, name))
        elif not (installed(name) or (target[0] == 2 and name in PYTHON2_MODULES)):
            ctx.report(
                UNRESOLVED.code, node, _unresolved_message(ctx, name, names.nested.get(name))
            )
    if names.python2_site and target[0] >= 3 and not served:
        ctx.report(
            PYTHON2_BUNDLE.code,
            (1, 1, 1, 1),
            _python2_bundle_message(ctx, names, None),
            severity=Severity.WARNING,
        )
    for name in sorted(names.top):
        if installed(name):
            where = imported.get(name)
            ctx.report(
                SHADOWS.code,
                where if where is not None else (1, 1, 1, 1),
                f"the Script Bundle's `{name}` has the name of a standard or installed module, "
                f"which wins because `{BUNDLE_DIR_NAME}` is appended to sys.path; rename it",
            )


def stdlib_module_message(name: str, target: tuple[int, int], python: str) -> str | None:
    """Why standard module ``name`` of the other Python does not import under ``target``."""
    since = PYTHON3_STDLIB_SINCE.get(name)
    if since is not None and target < since:
        return (
            f"`{name}` is in the standard library only from Python {since[0]}.{since[1]}; the "
            f"target is {python}: ship a backport in the Script Bundle or avoid it"
        )
    if target[0] >= 3 and name in python2_only_modules():
        new = PYTHON2_MODULES.get(name)
        return (
            f"`{name}` is a Python 2 standard module: the target Python {python} has no "
            f"`{name}`" + (f"; use `{new}`" if new else "")
        )
    return None


def _module_fix(ctx: Context, node: ast.stmt, name: str) -> Fix | None:
    """``import cPickle`` -> ``import pickle as cPickle``, ``from Queue import Queue`` ->
    ``from queue import Queue``: for Python 2 modules whose Python 3 module has the same names."""
    new = PYTHON2_MODULES.get(name)
    if new is None or name not in PYTHON2_MODULE_RENAMES or ctx.config.version[0] < 3:
        return None
    edits: list[TextEdit] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == name:
                bound = alias.asname or name
                edits.append(ctx.replace(alias, new if bound == new else f"{new} as {bound}"))
    elif isinstance(node, ast.ImportFrom) and node.module == name:
        edit = from_module_edit(ctx, node, new)
        edits.extend([edit] if edit is not None else [])
    return Fix(f"Import `{new}`", edits) if edits else None


def from_module_edit(ctx: Context, node: ast.ImportFrom, new: str) -> TextEdit | None:
    """The edit that writes ``new`` for the module of ``from module import ...``."""
    text = ctx.lines[node.lineno - 1]
    module = re.escape(node.module or "")
    found = re.compile(rf"\bfrom\s+({module})(?![\w.])").search(text, node.col_offset)
    if found is None:
        return None
    return TextEdit(node.lineno, found.start(1) + 1, node.lineno, found.end(1) + 1, new)


@lru_cache(maxsize=1)
def python2_only_modules() -> frozenset[str]:
    """Standard modules of Python 2.7 that Python 3 lacks: the hand-kept renames and what the
    shipped 2.7 surface has beyond the newest one."""
    names = set(PYTHON2_MODULES)
    shipped = [surfaces.load(n) for n in surfaces.names()]
    python2 = [s for s in shipped if s.python.startswith("2.")]
    python3 = [s for s in shipped if not s.python.startswith("2.")]
    if python2 and python3:
        names |= python2[0].stdlib - set().union(*(s.stdlib for s in python3))
    return frozenset(n for n in names if not n.startswith("_"))


def _python2_bundle_message(ctx: Context, names: BundleNames, module: str | None) -> str:
    folder = f"`{names.python2_site}`"
    if module is not None:
        return (
            f"`{module}` comes from the Script Bundle's {folder}, packages for Python 2.7: the "
            f"target Python {ctx.config.python} does not load them; use a Python 3 release"
        )
    shown = ", ".join(sorted(names.python2_modules)[:MAX_SHOWN]) or "no module"
    return (
        f"the Script Bundle carries Python 2.7 packages in {folder} ({shown}): the target "
        f"Python {ctx.config.python} does not load them"
    )


def _unresolved_message(ctx: Context, name: str, nested: str | None) -> str:
    message = f"cannot resolve `import {name}`: neither installed here nor in the Script Bundle"
    if nested:
        return f"{message}; the bundle has it at `{nested}`: move it to the root of the zip"
    if not ctx.config.bundle:
        return f"{message}; install it or pass the bundle with --bundle"
    return f"{message}; add it to the bundle or install it"


def imported_names(ctx: Context) -> list[tuple[ast.stmt, str]]:
    """``(statement, top-level module)`` of every absolute import, in source order."""
    out: list[tuple[ast.stmt, str]] = []
    for node in ctx.nodes(ast.Import):
        out.extend((node, alias.name.split(".")[0]) for alias in node.names)
    for imported in ctx.nodes(ast.ImportFrom):
        if imported.level == 0 and imported.module and imported.module != "__future__":
            out.append((imported, imported.module.split(".")[0]))
    out.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    return out


CHECKS = [(("AZ501", "AZ502", "AZ503", "AZ305", "AZ505"), check_imports, True)]
