"""Script Bundles: reading, safe extraction, reproducible building and import mapping.

A bundle is a zip or a folder whose root is appended to ``sys.path`` (CONTRACT.md section 4).
This package sits below the runtime and the checker: it uses only the standard library and
:mod:`azml_lsp.contract`.
"""

from azml_lsp.bundles.build import BuildReport, build_bundle
from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.extract import ExtractedBundle, extract_bundle
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.mapping import install_source_mapping
from azml_lsp.bundles.modules import BundleModules, egg_paths, list_modules

__all__ = [
    "BuildReport",
    "BundleError",
    "BundleLimits",
    "BundleModules",
    "ExtractedBundle",
    "build_bundle",
    "egg_paths",
    "extract_bundle",
    "install_source_mapping",
    "list_modules",
]
