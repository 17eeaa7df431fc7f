"""Stand-ins for objects a twin returned that the host cannot rebuild (a user class, a
``Decimal`` of Python 2): they keep the type's name, for the contract's messages, and the text
the twin's ``str()`` gave, which is what a result table shows."""

from __future__ import annotations

from typing import Any

from azml_lsp.harness import exchange


class ForeignObject:
    """An object of a class that exists only in the twin."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


_classes: dict[str, type[ForeignObject]] = {}


def foreign_object(cell: dict[str, Any]) -> ForeignObject:
    """A stand-in of the twin's class ``cell["type"]`` (``module.Name``) showing ``cell["text"]``."""
    qualified = str(cell["type"])
    kind = _classes.get(qualified)
    if kind is None:
        module, _, name = qualified.rpartition(".")
        kind = type(name, (ForeignObject,), {"__module__": module})
        _classes[qualified] = kind
    return kind(str(cell["text"]))


def install_foreign_objects() -> None:
    """Rebuild the twin's objects as stand-ins in this process."""
    exchange.OBJECT_FACTORY[0] = foreign_object
