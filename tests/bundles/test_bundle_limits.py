"""The bundle limits' defaults are the run request's defaults."""

from __future__ import annotations

from azml_lsp.bundles import BundleLimits
from azml_lsp.runtime import model


def test_defaults_match_the_run_request() -> None:
    limits = BundleLimits()
    request = model.RunRequest(script="s.py")
    assert limits.max_bytes == request.bundle_max_bytes == model.DEFAULT_BUNDLE_MAX_BYTES
    assert limits.max_entries == request.bundle_max_entries == model.DEFAULT_BUNDLE_MAX_ENTRIES
    assert limits.max_ratio == request.bundle_max_ratio == model.DEFAULT_BUNDLE_MAX_RATIO
