"""Script Bundles: reading, safe extraction, reproducible building and import mapping.

A bundle is a zip or a folder whose root is appended to ``sys.path`` (CONTRACT.md section 4).
This package sits below the runtime and the checker: it uses only the standard library and
:mod:`azml_lsp.contract`.
"""

from azml_lsp.bundles.errors import BundleError
from azml_lsp.bundles.limits import BundleLimits
from azml_lsp.bundles.modules import BundleModules, list_modules

__all__ = [
    "BundleError",
    "BundleLimits",
    "BundleModules",
    "list_modules",
]
