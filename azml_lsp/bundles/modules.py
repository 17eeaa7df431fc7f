"""What a bundle makes importable, read from its names alone (nothing is extracted or run)."""

from __future__ import annotations

import keyword
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from azml_lsp.bundles.folderscan import scan_folder
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.names import windows_unsafe
from azml_lsp.bundles.zipscan import open_zip, scan_zip

SOURCE_SUFFIXES = (".py", ".pyc")
NATIVE_MODULE_SUFFIXES = (".so", ".pyd")
NATIVE_SUFFIXES = (*NATIVE_MODULE_SUFFIXES, ".dll", ".dylib")
PACKAGE_MARKERS = ("__init__.py", "__init__.pyc")
MAX_NAMES_SHOWN = 5
MACOS_METADATA = "__MACOSX"
"""The folder of resource forks macOS Finder adds beside the zipped folder."""
PYTHON2_SITE = re.compile(r"^((?:[^/]+/)*?Python27/(?:Lib/)?site-packages)/", re.IGNORECASE)
"""A Windows Python 2.7's package folder zipped into a bundle (``Python27/site-packages/``,
``Python27/Lib/site-packages/``), as classic script bundles often carried. Under Python 2.7 it
goes on ``sys.path`` after the bundle with its eggs (unconfirmed: no source says how the classic
module treated it; scripts that shipped it expected its packages to import)."""


@dataclass
class BundleModules:
    """The importable top-level names of a bundle and what else it holds.

    ``modules``: ``foo`` for ``foo.py``, a package ``foo/__init__.py``, a namespace folder
    ``foo/`` holding Python files, or an extension ``foo*.so``/``foo*.pyd``; ``native``: entries
    that are compiled code (``.so``, ``.pyd``, ``.dll``, ``.dylib``) anywhere; ``files``: every
    file, ``/``-separated, sorted; ``root_prefix``: ``"name/"`` when every entry sits in that one
    folder and nothing is importable from the root (a zip of the folder instead of its
    contents).
    """

    modules: set[str] = field(default_factory=set)
    native: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    root_prefix: str | None = None
    warnings: list[str] = field(default_factory=list)
    python2_site: str | None = None
    """The bundle's ``Python27/site-packages`` folder, if it carries one."""
    python2_modules: set[str] = field(default_factory=set)
    """Top-level modules in that folder and in the eggs there (``foo-1.0-py2.7.egg``)."""


def list_modules(source: str | Path, limits: BundleLimits | None = None) -> BundleModules:
    """The modules of a zip or folder bundle, without extracting it.

    Raises BundleError (code 102 for a file that is not a zip) for a bundle that extraction
    would refuse by its names or declared sizes.
    """
    path = Path(source)
    bounds = limits or BundleLimits()
    if path.is_dir():
        return classify((e.name, e.is_dir) for e in scan_folder(path, bounds))
    with open_zip(path, bounds) as zf:
        return classify((e.name, e.is_dir) for e in scan_zip(zf, path, bounds))


def classify(entries: Iterable[tuple[str, bool]]) -> BundleModules:
    """BundleModules from safe ``(name, is_dir)`` pairs."""
    pairs = list(entries)
    files = sorted(name for name, is_dir in pairs if not is_dir)
    folders = {name.split("/")[0] for name in files if "/" in name} - {MACOS_METADATA}
    result = BundleModules(files=files)
    result.native = [f for f in files if f.endswith(NATIVE_SUFFIXES)]
    root_files = [f for f in files if "/" not in f]
    result.modules = {m for m in map(_module_of_file, root_files) if m is not None}
    packages = {f.split("/")[0] for f in files if f.count("/") == 1 and f.endswith(PACKAGE_MARKERS)}
    python_folders = {f.split("/")[0] for f in files if "/" in f and _module_of_file(f) is not None}
    result.modules |= {d for d in packages | python_folders if _importable(d)}
    result.python2_site, result.python2_modules = _python2_site(files)
    if not root_files and len(folders) == 1 and not packages:
        (only,) = folders
        result.root_prefix = f"{only}/"
        result.warnings.append(
            f"every entry is inside the folder '{only}/' and no module is at the root: the cloud "
            "imports from the root of the zip, so `import X` finds nothing for a file "
            f"'{only}/X.py'. Zip the folder's contents instead: "
            f"`azml bundle {shlex.quote(only)} -o bundle.zip`"
        )
    elif files and not result.modules:
        result.warnings.append(
            "no importable module at the root of the bundle (no .py file, package or "
            "extension): fine for data files, but `import` finds nothing in it"
        )
    unportable = sorted(name for name, _ in pairs if windows_unsafe(name))
    if unportable:
        shown = ", ".join(repr(n) for n in unportable[:MAX_NAMES_SHOWN])
        more = (
            f" and {len(unportable) - MAX_NAMES_SHOWN} more"
            if len(unportable) > MAX_NAMES_SHOWN
            else ""
        )
        result.warnings.append(
            f"{shown}{more}: Windows cannot create these names (reserved device names, a "
            'trailing dot or space, or one of <>:"|?*), so the bundle fails on the classic '
            "runtime; rename them"
        )
    return result


def _python2_site(files: list[str]) -> tuple[str | None, set[str]]:
    """The first ``Python27/site-packages`` folder among ``files`` and the modules in it."""
    match = next((m for m in map(PYTHON2_SITE.match, files) if m), None)
    if match is None:
        return None, set()
    folder = match.group(1)
    modules: set[str] = set()
    for name in files:
        if not name.startswith(folder + "/"):
            continue
        parts = name[len(folder) + 1 :].split("/")
        if parts[0].lower().endswith(".egg"):
            inner = parts[1:] if len(parts) > 1 else []
            top = inner[0] if len(inner) > 1 else (_module_of_file(inner[0]) if inner else None)
            modules.add(top if top else parts[0].split("-")[0])
        elif len(parts) == 1:
            modules.add(_module_of_file(parts[0]) or "")
        elif _importable(parts[0]) and not parts[0].lower().endswith((".dist-info", ".egg-info")):
            modules.add(parts[0])
    return folder, {m for m in modules if m and _importable(m)}


def egg_paths(site: Path) -> list[str]:
    """``site`` and the eggs (zip files or folders) in it: what Python 2's ``site`` module put
    on ``sys.path`` for a package folder with eggs."""
    eggs = sorted(p for p in site.iterdir() if p.name.lower().endswith(".egg"))
    return [str(site), *map(str, eggs)]


def _module_of_file(name: str) -> str | None:
    base = name.rsplit("/", 1)[-1]
    if base.endswith(SOURCE_SUFFIXES):
        stem = base.rsplit(".", 1)[0]
    elif base.endswith(NATIVE_MODULE_SUFFIXES):
        stem = base.split(".", 1)[0]
    else:
        return None
    return stem if _importable(stem) else None


def _importable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)
