"""How the host starts a twin's interpreter on the harness: its command line and environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

HARNESS_MAIN = str(Path(__file__).resolve().parents[2] / "harness" / "__main__.py")
#: Variables of the host's environment a twin must not see: they point at the host's packages, or
#: (``PYTHONDONTWRITEBYTECODE``) would make every run compile the twin's packages again, since
#: a twin is installed without bytecode and caches each module's on its first import.
HOST_ONLY_VARIABLES = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONSAFEPATH",
    "VIRTUAL_ENV",
    "PYTHONDONTWRITEBYTECODE",
)


class Interpreter(Protocol):
    """A twin's interpreter and its package folder (a run's ``TwinTarget``, or the record read
    before a command line is parsed)."""

    @property
    def python(self) -> str: ...

    @property
    def site(self) -> str: ...


def harness_command(twin: Interpreter, *arguments: str) -> list[str]:
    """The command that starts the harness in ``twin`` with ``arguments`` after its site."""
    return [twin.python, "-s", HARNESS_MAIN, twin.site, *arguments]


def twin_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without what points at the host's Python, text in UTF-8."""
    env = {k: v for k, v in os.environ.items() if k not in HOST_ONLY_VARIABLES}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra or {})
    return env
