"""The host's handle on a request template in a cloud twin (:mod:`azml_lsp.harness.template`):
start it in the twin's interpreter, read its events, order one call and wait for its end.

The wire is the harness's :class:`~azml_lsp.harness.channel.Channel`: JSON lines on two pipes
the template inherits, calls from here, events (``ready``/``failed``, then ``started`` and
``ended`` per call) from there. The template sits in a pids group of its own (where groups can
be made) that its calls' children inherit: the process cap, and one read to find every process
a call left running. A template that makes its calls itself (reimport and worker isolation) is
killed to stop a call that overran or whose caller left.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azml_lsp.harness.__main__ import TEMPLATE_FLAG
from azml_lsp.harness.template import IN_PROCESS
from azml_lsp.runtime.model import TwinTarget
from azml_lsp.runtime.processes.forkguard import cage, release_group
from azml_lsp.runtime.twins.interpreter import harness_command, twin_environment
from azml_lsp.serve.host_main import STACK_DUMP_GRACE_S, ask_for_stack, kill_call
from azml_lsp.serve.host_wire import receive

SPEC_FILE = "template.json"
LOG_FILE = "template.log"
#: How long a killed call's child may take to be reaped and reported by the template.
REAP_WAIT_S = 10.0
TIMED_OUT = "timeout"
CANCELLED = "cancelled"


class TemplateGone(RuntimeError):
    """The template ended or stopped answering; ``status`` is its exit status when known."""

    def __init__(self, text: str, status: int | None = None) -> None:
        super().__init__(text)
        self.status = status


@dataclass
class CallEnd:
    """How a call ended: ``ended`` (its child exited with ``status``), ``timeout`` or
    ``cancelled`` (its processes were killed)."""

    how: str
    status: int | None = None


class TwinTemplate:
    """The template process in ``twin``, started on ``spec`` (see the harness module)."""

    def __init__(
        self, twin: TwinTarget, spec: dict[str, Any], folder: Path, max_processes: int
    ) -> None:
        events_read, events_write = os.pipe()
        replies_read, replies_write = os.pipe()
        spec_file = folder / SPEC_FILE
        fds = {"events_fd": events_write, "replies_fd": replies_read}
        spec_file.write_text(json.dumps({**spec, **fds}), encoding="utf-8")
        try:
            with (folder / LOG_FILE).open("ab") as log:
                self.process = subprocess.Popen(
                    harness_command(twin, TEMPLATE_FLAG, str(spec_file)),
                    pass_fds=(events_write, replies_read),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    cwd=spec["import_cwd"],
                    env=twin_environment({"MPLBACKEND": "Agg"}),
                )
        except OSError:
            for fd in (events_read, replies_write):
                os.close(fd)
            raise
        finally:
            os.close(events_write)
            os.close(replies_read)
        self._events, self._replies = events_read, replies_write
        self._pending = b""
        self.in_process = spec.get("isolation", "request") in IN_PROCESS
        """Whether the template makes calls itself (reimport, worker): stopping a call stops it."""
        self.closed = False
        # one call at a time: its child and everything it starts share the cap (+1: the template)
        self.caged = cage(self.process.pid, max_processes + 1)

    @property
    def pid(self) -> int:
        return self.process.pid

    def ready(self, timeout_s: float) -> dict[str, Any]:
        """The template's first event: ``ready`` (with the entry point's ``shape``) or
        ``failed`` (with the import's exception ``error``)."""
        event = self._event(time.monotonic() + timeout_s)
        if not isinstance(event, dict):
            raise TemplateGone(f"the request template did not start within {timeout_s:g} s")
        return event

    def call(self, order: dict[str, Any], timeout_s: float, server: socket.socket) -> CallEnd:
        """Have the template fork a child for ``order`` and wait for it; past ``timeout_s`` ask
        the child for its stack, then kill it; kill it as soon as ``server`` speaks (its caller
        left). What the call left running is killed either way."""
        deadline = time.monotonic() + timeout_s
        try:
            os.write(self._replies, json.dumps(order).encode() + b"\n")
        except OSError as exc:
            raise TemplateGone(f"the request template is gone: {exc}", self._status()) from None
        started = self._event(None)
        assert isinstance(started, dict) and started.get("event") == "started", started
        pid = int(started["pid"])
        end = self._until_ended(deadline, server)
        if end.how == TIMED_OUT:  # a call that ends while its stack is written still counts
            ask_for_stack(pid)
            end = self._until_ended(time.monotonic() + STACK_DUMP_GRACE_S, None)
            end.how = "ended" if end.how == "ended" else TIMED_OUT
        if end.how != "ended" and self.in_process:
            self.close()  # the call runs in the template: it is stopped with it
            return end
        if end.how != "ended":
            kill_call(pid, self.pid if self.caged else None)
            self._until_ended(time.monotonic() + REAP_WAIT_S, None, required=True)
        kill_call(pid, self.pid if self.caged else None)  # what the call left running
        return end

    def _until_ended(
        self, deadline: float, server: socket.socket | None, required: bool = False
    ) -> CallEnd:
        event = self._event(deadline, server)
        if isinstance(event, dict):
            if event.get("event") != "ended":
                raise TemplateGone(f"the request template said {event!r} during a call")
            return CallEnd("ended", int(event["status"]))
        if required:
            raise TemplateGone("the request template did not reap a killed call")
        if event == CANCELLED and server is not None:
            receive(server)  # the server's cancel, read so it is not taken for a request
        return CallEnd(event)

    def _event(
        self, deadline: float | None, server: socket.socket | None = None
    ) -> dict[str, Any] | str:
        """The template's next event, or ``timeout`` past ``deadline``, or ``cancelled`` when
        ``server`` has something to say; TemplateGone when the template ended."""
        while b"\n" not in self._pending:
            watched = [self._events] + ([server.fileno()] if server is not None else [])
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select(watched, [], [], left)
            if server is not None and server.fileno() in readable:
                return CANCELLED
            if not readable:
                return TIMED_OUT
            chunk = os.read(self._events, 65536)
            if not chunk:
                raise TemplateGone("the request template ended", self._status())
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        event: dict[str, Any] = json.loads(line)
        return event

    def _status(self) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.process.wait(timeout=1.0)
        return None

    def close(self) -> int | None:
        """Stop the template and whatever its calls left (its exit status, when it ended by
        itself, else minus the signal it was killed with)."""
        self.closed = True
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        status = self.process.wait()
        if self.caged:
            kill_call(self.pid, self.pid)
        for fd in (self._events, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        release_group(self.pid)
        return status
