"""Session-wide test settings."""

from __future__ import annotations

import os

from tests.lock_status import summary

#: Tests run scripts with this machine's Python unless they name a twin (``--env``): whether a
#: twin is created in the user's cache must not change what the other tests see.
os.environ.setdefault("AZML_ENV", "local")


def pytest_report_header() -> str:
    """Say whether the packages under test are the locked ones."""
    return summary()
