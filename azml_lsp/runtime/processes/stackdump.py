"""Read the Python stack that :mod:`faulthandler` writes on a timeout or a fatal signal."""

from __future__ import annotations

import os
import re

_FRAME = re.compile(r'^\s*File "(?P<path>.+)", line (?P<line>\d+) in (?P<name>.+)$')


def script_line_from_dump(dump: str, script: str) -> int | None:
    """The innermost line of ``script`` in a faulthandler dump (it lists the newest call first)."""
    for raw in dump.splitlines():
        match = _FRAME.match(raw)
        if match and os.path.abspath(match["path"]) == script:
            return int(match["line"])
    return None
