"""AZ504: packages installed here that the designer does not preinstall."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
from functools import cache, lru_cache
from pathlib import PurePath

from azml_lsp import surfaces
from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.python_versions import PYTHON2_MODULES
from azml_lsp.checker.registry import Rule, register
from azml_lsp.checker.rules.imports import imported_names, installed, read_bundle
from azml_lsp.contract.packages import (
    DESIGNER_PREINSTALLED,
    INSTALL_PATTERN,
    PACKAGES_SOURCE,
    import_names,
    install_advice,
    preinstalled_modules,
)

NOT_PREINSTALLED = register(Rule(
    "AZ504", "package-not-preinstalled", Severity.ERROR,
    "designer: reports imports of packages installed here that are not among the designer's "
    "preinstalled packages, unless the script installs them (`pip install` in a string it "
    "runs) or the Script Bundle carries them. Imports guarded by `try: ... except "
    "ImportError` are skipped. The documented list (" + PACKAGES_SOURCE + "): "
    + ", ".join(f"`{pin}`" for pin in DESIGNER_PREINSTALLED) + ".",
    "The script runs here and fails in the designer with ModuleNotFoundError (error 0085). The "
    "designer's docs say to install packages that are not in the list from the script, in "
    "every Execute Python Script component that needs them, guarded by "
    "`importlib.util.find_spec` so that inference does not install them on every request.",
    "import xgboost  # not preinstalled in the designer\n\n"
    "def azureml_main(dataframe1=None):\n    return dataframe1,",
    "Install it at the top of the script as the designer's docs show:\n\n```python\n"
    + INSTALL_PATTERN.format(module="xgboost", distribution="xgboost")
    + "\n```\n\nor put a pure-Python package in the Script Bundle, or use a preinstalled "
    "package instead. The editor's quick fix inserts those lines above the import (`--fix` "
    "leaves it: it installs from the network).",
    fixable=True,
))  # fmt: skip

_PIP = re.compile(r"\bpip\b")
_KNOWN = {
    "yaml": "PyYAML", "cv2": "opencv-python", "PIL": "Pillow", "bs4": "beautifulsoup4",
    "skimage": "scikit-image", "Crypto": "pycryptodome", "docx": "python-docx",
}  # fmt: skip
"""Import names whose distribution is named otherwise (tried before the slow full scan)."""
_SITE_FOLDERS = ("site-packages", "dist-packages")


def check_preinstalled(ctx: Context) -> None:
    """AZ504 on imports of packages installed here that the designer lacks."""
    config = ctx.config
    if not config.check_imports:
        return
    preinstalled = preinstalled_modules(config.dialect, config.env)
    if preinstalled is None:
        return
    stdlib = _target_stdlib(config.dialect, config.python, config.env)
    bundle = read_bundle(ctx) if config.bundle else None
    guarded = ctx.import_guarded_lines
    installs: str | None = None
    reported: set[str] = set()
    for node, name in imported_names(ctx):
        if (
            name in reported
            or name in preinstalled
            or name in stdlib
            or name in PYTHON2_MODULES
            or node.lineno in guarded
            or (bundle is not None and name in bundle.top)
        ):
            continue
        distribution = _distribution(name)
        if distribution is None:
            continue
        if installs is None:
            installs = _pip_strings(ctx)
        if re.search(rf"\b({re.escape(name)}|{re.escape(distribution)})\b", installs, re.I):
            continue
        reported.add(name)
        ctx.report(
            NOT_PREINSTALLED.code,
            node,
            f"`{name}` ({distribution}) is installed here but not preinstalled in the designer: "
            f"install it in the script, {install_advice(name, distribution)}, or ship it in the "
            "Script Bundle (`azml rule AZ504` lists the preinstalled packages)",
            _install_fix(node, name, distribution),
        )


def _install_fix(node: ast.stmt, module: str, distribution: str) -> Fix | None:
    """The designer's documented install lines, above a top-level import (not applied by
    ``--fix``: it installs from the network)."""
    if node.col_offset != 0:
        return None
    lines = INSTALL_PATTERN.format(module=module, distribution=distribution) + "\n"
    edit = TextEdit(node.lineno, 1, node.lineno, 1, lines)
    return Fix(f"Install {distribution} from the script", [edit], safe=False)


@cache
def _target_stdlib(dialect: object, python: str, env: str | None) -> frozenset[str]:
    try:
        return surfaces.load(surfaces.target_name(str(dialect), python, env)).stdlib
    except KeyError:
        return frozenset()


@lru_cache(maxsize=1024)
def _distribution(module: str) -> str | None:
    """The distribution that installed top-level ``module`` here; None for the standard
    library, modules that are not installed and modules outside site-packages (the user's)."""
    if not installed(module):
        return None
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    where = spec.origin if spec is not None and spec.has_location else None
    if where is None and spec is not None and spec.submodule_search_locations:
        where = next(iter(spec.submodule_search_locations), None)
    if where is None or not any(p in _SITE_FOLDERS for p in PurePath(where).parts):
        return None
    for candidate in (_KNOWN.get(module), module, module.replace("_", "-")):
        if candidate is None:
            continue
        try:
            name = importlib.metadata.distribution(candidate).metadata["Name"]
        except (importlib.metadata.PackageNotFoundError, ValueError):
            continue
        if name and module in (*import_names(name), candidate.replace("-", "_")):
            return str(name)
    found = importlib.metadata.packages_distributions().get(module)  # slow: the last resort
    return found[0] if found else module


def _pip_strings(ctx: Context) -> str:
    """The script's string constants, one per line, when one of them runs pip (else empty)."""
    texts = [node.value for node in ctx.nodes(ast.Constant) if isinstance(node.value, str)]
    return "\n".join(texts) if any(_PIP.search(t) for t in texts) else ""


CHECKS = [(("AZ504",), check_preinstalled, True)]
