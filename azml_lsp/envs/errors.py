"""The errors of twin management; each message says what to do."""

from __future__ import annotations

USAGE = 2
"""Exit status for a request that cannot be carried out as asked (unknown twin, no interpreter)."""
FAILED = 1
"""Exit status for work that was attempted and failed (an install, a probe)."""


class EnvError(Exception):
    """A twin cannot be defined, found or built; ``str()`` is a one-line message with the fix."""

    exit_code = USAGE


class SpecError(EnvError):
    """A twin declaration is wrong or names an unknown twin; the message names the file and key."""


class NoInterpreterError(EnvError):
    """No CPython of the wanted version was found; the message says what to install."""


class InstallError(EnvError):
    """Building a twin failed; ``tail`` holds the last lines of the failing tool's output."""

    exit_code = FAILED

    def __init__(self, message: str, tail: list[str] | None = None) -> None:
        super().__init__(message)
        self.tail = tail or []
