"""Session-wide test settings."""

from __future__ import annotations

from tests.lock_status import summary


def pytest_report_header() -> str:
    """Say whether the packages under test are the locked ones."""
    return summary()
