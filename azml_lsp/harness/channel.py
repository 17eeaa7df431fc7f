"""The harness's line-delimited JSON messages: events to the host, replies from it."""

from __future__ import absolute_import, division, print_function

import json
import os

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Dict  # noqa: F401


class Channel(object):
    """Writes events on one inherited descriptor and reads the host's replies on another."""

    def __init__(self, events, replies):
        # type: (int, int) -> None
        self.events = events
        self.replies = replies
        self._pending = b""

    def send(self, event, **fields):
        # type: (str, Any) -> None
        fields["event"] = event
        data = (json.dumps(fields) + "\n").encode("ascii")
        while data:
            data = data[os.write(self.events, data) :]

    def stage(self, name):
        # type: (str) -> None
        self.send("stage", stage=name)

    def receive(self):
        # type: () -> Dict[str, Any]
        """The host's next reply (one JSON object a line)."""
        while b"\n" not in self._pending:
            chunk = os.read(self.replies, 65536)
            if not chunk:
                raise EOFError("the host closed the reply channel")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        reply = json.loads(line.decode("utf-8"))  # type: Dict[str, Any]
        return reply
