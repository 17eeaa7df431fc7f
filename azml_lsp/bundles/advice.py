"""Warnings about a bundle's contents that work locally but may not in the cloud."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from azml_lsp.bundles.modules import BundleModules


def content_warnings(modules: BundleModules, own_root: Path) -> list[str]:
    """Layout, native-code and shadowing warnings for a bundle rooted at ``own_root``."""
    return [
        *modules.warnings,
        *native_warnings(modules.native),
        *shadow_warnings(modules.modules, own_root),
    ]


def native_warnings(native: Iterable[str]) -> list[str]:
    """One warning per compiled file: built for one platform and Python, it may not load."""
    return [
        f"'{name}' is compiled code: it loads only on the platform and Python version it was "
        "built for, which may not be the cloud's; prefer pure-Python code or a package the "
        "environment installs"
        for name in native
    ]


def shadow_warnings(names: Iterable[str], own_root: Path) -> list[str]:
    """A warning for each top-level name that an installed or standard-library module also has.

    Modules are looked up with :func:`importlib.util.find_spec` (nothing is imported); a module
    found inside ``own_root`` itself is the bundle's own and does not count.
    """
    root = os.path.realpath(own_root)
    warnings = []
    for name in sorted(names):
        other = _other_module(name, root)
        if other is not None:
            warnings.append(
                f"the bundle's module '{name}' has the name of {other}; the cloud appends the "
                f"bundle to sys.path, so `import {name}` loads that one instead: rename yours"
            )
    return warnings


def _other_module(name: str, own_root: str) -> str | None:
    stdlib = name in sys.stdlib_module_names
    label = f"the standard-library module '{name}'" if stdlib else f"the installed module '{name}'"
    if name in sys.builtin_module_names:
        return f"{label} (built in)"
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return label if stdlib else None
    if spec.has_location and spec.origin:
        places = [spec.origin]
    else:
        places = list(spec.submodule_search_locations or [])
    outside = [p for p in places if not _inside(p, own_root)]
    if places and not outside:
        return None
    return label + (f" at {outside[0]}" if outside else "")


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root + os.sep)
