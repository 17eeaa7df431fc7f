"""Import hook that compiles bundle modules under the name of the file they came from.

Tracebacks and debugger breakpoints then point at the user's own files (folder bundles) or at
``bundle.zip/member`` (zip bundles), while ``module.__file__`` stays the extracted path, so code
that reads files next to itself behaves as in the cloud. Only folders inside the bundle root
are claimed; every other import goes through the usual finders. No bytecode is read from or
written into the bundle folder for source files.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from types import CodeType

from azml_lsp.bundles.extract import ExtractedBundle


class MappedSourceLoader(importlib.machinery.SourceFileLoader):
    """A source loader whose code objects carry the original file name.

    Each bundle gets a subclass whose ``names`` maps real extracted paths to original names.
    """

    names: dict[str, str] = {}  # noqa: RUF012 - replaced, never mutated, per subclass

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        shown = self.names.get(os.path.realpath(path), path)
        return compile(self.get_data(path), shown, "exec", dont_inherit=True)


class BundlePathHook:
    """A ``sys.path_hooks`` entry that accepts only folders inside one bundle root (a zip inside
    the bundle put on ``sys.path`` is left to zipimport)."""

    def __init__(self, root: str, names: dict[str, str]) -> None:
        self.root = root
        self.loader = type("BundleSourceLoader", (MappedSourceLoader,), {"names": names})

    def __call__(self, path: str) -> importlib.machinery.FileFinder:
        if not self.claims(path):
            raise ImportError(f"{path!r} is outside the Script Bundle {self.root!r}")
        return importlib.machinery.FileFinder(
            path,
            (self.loader, importlib.machinery.SOURCE_SUFFIXES),
            (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
            (importlib.machinery.SourcelessFileLoader, importlib.machinery.BYTECODE_SUFFIXES),
        )

    def claims(self, path: str) -> bool:
        return _inside(path, self.root) and os.path.isdir(path or os.getcwd())


def install_source_mapping(extracted: ExtractedBundle) -> None:
    """Make modules imported from ``extracted.root`` report their original file names.

    Hooks of bundles whose folder is gone, or of an earlier extraction into the same folder,
    are removed, so a long-lived process that runs many bundles keeps one hook per live bundle.
    """
    root = os.path.realpath(extracted.root)
    names = {os.path.realpath(k): v for k, v in extracted.sources.items()}
    stale = [h for h in sys.path_hooks if isinstance(h, BundlePathHook) and _stale(h, root)]
    sys.path_hooks[:] = [h for h in sys.path_hooks if h not in stale]
    sys.path_hooks.insert(0, BundlePathHook(root, names))
    roots = [root, *(h.root for h in stale)]
    for cached in [p for p in sys.path_importer_cache if any(_inside(p, r) for r in roots)]:
        del sys.path_importer_cache[cached]


def _stale(hook: BundlePathHook, new_root: str) -> bool:
    return hook.root == new_root or not os.path.isdir(hook.root)


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path or os.getcwd())
    return real == root or real.startswith(root + os.sep)
