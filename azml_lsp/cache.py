"""The user's cache folder for azml-lsp (materialised bundles, completion data, cloud twins)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$AZML_CACHE_DIR``, else ``azml-lsp`` in ``$XDG_CACHE_HOME``, else in ``~/.cache``."""
    explicit = os.environ.get("AZML_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "azml-lsp"
