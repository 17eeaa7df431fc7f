"""How a run's steps end it early with a prepared error."""

from __future__ import annotations

from azml_lsp.runtime.model import RunError


class Stop(Exception):
    """Ends a run early with a prepared error."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error
