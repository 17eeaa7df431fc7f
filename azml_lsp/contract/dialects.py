"""The two dialects of the Execute Python Script module."""

from __future__ import annotations

import enum


class Dialect(enum.StrEnum):
    """Which cloud module a script is written for.

    ``classic`` is Azure ML Studio (classic); ``designer`` is the Azure ML designer's prebuilt
    "Execute Python Script" component v1.1.
    """

    CLASSIC = "classic"
    DESIGNER = "designer"

    @classmethod
    def parse(cls, value: str | Dialect | None) -> Dialect:
        """Return the dialect named by ``value`` (``None`` gives the default), or raise ValueError."""
        if value is None:
            return DEFAULT_DIALECT
        if isinstance(value, Dialect):
            return value
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(d.value for d in cls)
            raise ValueError(f"unknown dialect {value!r}: use one of {names}") from None


DEFAULT_DIALECT = Dialect.DESIGNER
