"""AZ5xx: imports resolve in this environment or the Script Bundle; bundle names do not clash."""

from __future__ import annotations

import ast
import importlib.util
import sys
from functools import lru_cache
from pathlib import Path, PurePosixPath

from azml_lsp.bundles import BundleError, list_modules
from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Severity
from azml_lsp.checker.python_versions import PYTHON2_MODULES, PYTHON3_STDLIB_SINCE
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract import BUNDLE_DIR_NAME

UNRESOLVED = register(Rule(
    "AZ501", "unresolved-import", Severity.ERROR,
    "Reports imports that neither this Python environment nor the Script Bundle (`--bundle`, "
    "`bundle=` in the settings) can resolve. Imports guarded by `try: ... except ImportError` "
    "are skipped. The standard library follows the target Python: Python 2 modules resolve "
    "under 2.7, and modules added in Python 3 (`pathlib`, `dataclasses` ...) do not resolve "
    "under older targets.",
    "The import fails at load time with ModuleNotFoundError (error 0085). Code the script "
    "needs beyond the runtime's packages must come in the Script Bundle zip.",
    "import mylib  # neither installed nor in the bundle\n\ndef azureml_main(dataframe1=None):\n"
    "    return mylib.clean(dataframe1),",
    "Install the package, put the module at the root of the bundle zip, or pass the bundle with "
    "`--bundle`. Python 2 modules (`urllib2`, `cPickle`, `StringIO`) have Python 3 names.",
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


@lru_cache(maxsize=4096)
def installed(name: str) -> bool:
    """True when a top-level module is importable here (found, never imported)."""
    if name in sys.builtin_module_names or name in sys.stdlib_module_names:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


@lru_cache(maxsize=64)
def bundle_modules(bundle: str, stamp: float) -> tuple[frozenset[str], dict[str, str]]:
    """Top-level module names of a bundle zip or folder, and modules one folder down (name ->
    path, for the "zipped the folder, not its contents" hint). Raises BundleError."""
    listing = list_modules(bundle)
    nested: dict[str, str] = {}
    for name in listing.files:
        parts = PurePosixPath(name).parts
        module = _module_name(parts[1]) if len(parts) == 2 else None
        if module:
            nested.setdefault(module, name)
    return frozenset(listing.modules), nested


def _module_name(filename: str) -> str | None:
    for suffix in _EXTENSIONS:
        if filename.endswith(suffix):
            return filename[: -len(suffix)].split(".")[0]
    return None


def check_imports(ctx: Context) -> None:
    """AZ501, AZ502, AZ503."""
    if not ctx.config.check_imports:
        return
    top: frozenset[str] = frozenset()
    nested: dict[str, str] = {}
    bundle = ctx.config.bundle
    if bundle:
        try:
            path = Path(bundle)
            top, nested = bundle_modules(str(path.resolve()), path.stat().st_mtime)
        except (OSError, BundleError, ValueError) as exc:
            ctx.report(
                BAD_BUNDLE.code,
                (1, 1, 1, 1),
                f"cannot read the Script Bundle {bundle}: {exc}; pass an existing zip or folder",
            )
    guarded = ctx.import_guarded_lines
    imported: dict[str, ast.AST] = {}
    target = ctx.config.version
    for node, name in _imported_names(ctx):
        imported.setdefault(name, node)
        if node.lineno in guarded or name in top:
            continue
        since = PYTHON3_STDLIB_SINCE.get(name)
        if since is not None and target < since:
            ctx.report(
                UNRESOLVED.code,
                node,
                f"`{name}` is in the standard library only from Python {since[0]}.{since[1]}; "
                f"the target is {ctx.config.python}: ship a backport in the Script Bundle or "
                "avoid it",
            )
        elif not (installed(name) or (target[0] == 2 and name in PYTHON2_MODULES)):
            ctx.report(UNRESOLVED.code, node, _unresolved_message(ctx, name, nested.get(name)))
    for name in sorted(top):
        if installed(name):
            where = imported.get(name)
            ctx.report(
                SHADOWS.code,
                where if where is not None else (1, 1, 1, 1),
                f"the Script Bundle's `{name}` has the name of a standard or installed module, "
                f"which wins because `{BUNDLE_DIR_NAME}` is appended to sys.path; rename it",
            )


def _unresolved_message(ctx: Context, name: str, nested: str | None) -> str:
    message = f"cannot resolve `import {name}`: neither installed here nor in the Script Bundle"
    if name in PYTHON2_MODULES and ctx.config.version[0] >= 3:
        new = PYTHON2_MODULES[name]
        return f"`{name}` is a Python 2 module" + (f": use `{new}`" if new else "")
    if nested:
        return f"{message}; the bundle has it at `{nested}`: move it to the root of the zip"
    if not ctx.config.bundle:
        return f"{message}; install it or pass the bundle with --bundle"
    return f"{message}; add it to the bundle or install it"


def _imported_names(ctx: Context) -> list[tuple[ast.stmt, str]]:
    out: list[tuple[ast.stmt, str]] = []
    for node in ctx.nodes(ast.Import):
        out.extend((node, alias.name.split(".")[0]) for alias in node.names)
    for imported in ctx.nodes(ast.ImportFrom):
        if imported.level == 0 and imported.module and imported.module != "__future__":
            out.append((imported, imported.module.split(".")[0]))
    out.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    return out


CHECKS = [(("AZ501", "AZ502", "AZ503"), check_imports, True)]
