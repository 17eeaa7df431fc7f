"""pip's output, condensed: one line per package, a status line, and the last lines kept.

Understands the output of pip 18 to 25 (``Collecting``, ``Downloading``, ``Using cached``,
``Installing collected packages``); drops Python 2's deprecation banner.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable

Say = Callable[[str], None]

_COLLECTING = re.compile(r"^Collecting (\S+)")
_FETCH = re.compile(
    r"^\s*(Downloading|Using cached|Processing|File was already downloaded)\s+(\S+)(.*)$"
)
_SIZE = re.compile(r"\(([\d.]+\s*[kKMG]?i?B)\)")
_NOISE = (
    "DEPRECATION: Python 2.7",
    "DEPRECATION: Python 3.5",
    "DEPRECATION: Python 3.6",
    "Looking in links",
    "Looking in indexes",
)
TAIL_LINES = 25


class PipOutput:
    """Feed it pip's lines; it says one line per package and keeps the tail for errors."""

    def __init__(self, say: Say, status: Say | None = None, total: int = 0) -> None:
        self._say = say
        self._status = status or (lambda _text: None)
        self._total = total
        self._collected = 0
        self._current = ""
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)

    def feed(self, line: str) -> None:
        """Take one line of pip's output."""
        line = line.rstrip()
        if not line.strip() or line.startswith(_NOISE):
            return
        self.tail.append(line)
        collecting = _COLLECTING.match(line)
        if collecting:
            self._collected += 1
            self._current = collecting.group(1)
            self._status(f"fetching {self._current} ({self._collected}/{self._total or '?'})")
            return
        fetch = _FETCH.match(line)
        if fetch and self._current:
            size = _SIZE.search(fetch.group(3))
            how = "downloaded" if fetch.group(1) == "Downloading" else "cached"
            self._say(f"  {self._current}  {how}{f' ({size.group(1)})' if size else ''}")
            self._current = ""
            return
        if line.startswith("Installing collected packages"):
            count = len(line.split(":", 1)[1].split(","))
            self._status(f"installing {count} packages")
