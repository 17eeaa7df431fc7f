"""Helper modules a script imports from its Script Bundle (zip or folder) or its own folder,
parsed for the frame flow (what a bundle's ``clean(df)`` returns)."""

from __future__ import annotations

import ast
import weakref
import zipfile
from pathlib import Path

from azml_lsp.checker.context import Context
from azml_lsp.checker.frame_flow import ModuleSource


class HelperModules:
    """Finds ``utils.cleaning`` as ``utils/cleaning.py`` or ``utils/cleaning/__init__.py`` in
    the bundle, then in the script's folder, and parses it (None when absent or unparsable)."""

    def __init__(self, bundle: str | None, folder: str | None) -> None:
        self.bundle = bundle
        self.folder = folder
        self._parsed: dict[str, ast.Module | None] = {}

    def __call__(self, dotted: str) -> ast.Module | None:
        if dotted not in self._parsed:
            self._parsed[dotted] = self._find(dotted)
        return self._parsed[dotted]

    def _find(self, dotted: str) -> ast.Module | None:
        parts = dotted.split(".")
        names = ["/".join(parts) + ".py", "/".join([*parts, "__init__.py"])]
        if self.bundle is not None:
            text = _read_bundle(Path(self.bundle), names)
            if text is not None:
                return _parse(text)
        if self.folder is not None:
            for name in names:
                path = Path(self.folder, name)
                if path.is_file():
                    try:
                        return _parse(path.read_bytes())
                    except OSError:
                        return None
        return None


def _read_bundle(bundle: Path, names: list[str]) -> bytes | None:
    try:
        if bundle.is_dir():
            found = next((bundle / n for n in names if (bundle / n).is_file()), None)
            return found.read_bytes() if found is not None else None
        with zipfile.ZipFile(bundle) as archive:
            listed = set(archive.namelist())
            member = next((n for n in names if n in listed), None)
            return archive.read(member) if member is not None else None
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


def _parse(text: bytes) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


_FINDERS: weakref.WeakKeyDictionary[Context, HelperModules] = weakref.WeakKeyDictionary()


def helper_modules(ctx: Context) -> ModuleSource:
    """The finder of ``ctx``'s helper modules, one per check (files are read once per check)."""
    finder = _FINDERS.get(ctx)
    if finder is None:
        folder = str(Path(ctx.path).resolve().parent) if ctx.path else None
        finder = _FINDERS[ctx] = HelperModules(ctx.config.bundle, folder)
    return finder
