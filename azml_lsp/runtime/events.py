"""The line-delimited JSON channel a run's child process reports on (stages, progress, result)."""

from __future__ import annotations

import json
import os
from typing import Any

RESULT_EVENT = "result"
#: The stages a child reports, in order, and what each is doing (for progress and errors).
STAGES = {
    "start": "starting",
    "read": "reading the input datasets",
    "bundle": "extracting the Script Bundle",
    "import": "importing the script",
    "call": "running azureml_main",
    "convert": "converting the returned value",
    "write": "writing the results",
}


class EventChannel:
    """Writes one JSON object a line to a file descriptor inherited from the parent."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd
        self.current = "start"

    def send(self, event: str, **fields: Any) -> None:
        if self._fd is None:
            return
        line = json.dumps({"event": event, **fields}, default=str).encode() + b"\n"
        view = memoryview(line)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def stage(self, name: str) -> None:
        self.current = name
        self.send("stage", stage=name)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
