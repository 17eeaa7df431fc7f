"""The twin process of one run, seen from the run's host child: started afresh, or forked by the
twin's warm zygote (:mod:`azml_lsp.harness.zygote`) on an order this module writes.

Either way the host child reads the harness's events, writes its one reply, learns the process's
pid (for stack dumps) and waits for its exit status. A zygote's run is not this process's child:
its events, reply and lifeline are FIFOs in the run's control folder, its pid and exit status
come as files the zygote writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import stat
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from azml_lsp.runtime.processes.forkguard import group_path
from azml_lsp.runtime.rundir import RunDir

REQUESTS = "requests"
READY = "ready"
#: How long a run waits for a zygote that is still importing pandas before starting the twin
#: afresh instead (a zygote is ready well within this unless the machine is starved).
READY_WAIT_S = 60.0
#: How often a run looks for the zygote's files (ready, the run's exit status): each look is one
#: ``stat``, and the run waits for each file only while it is about to appear.
POLL_S = 0.002


class TwinProcess(Protocol):
    """What the host child needs of the twin process running its script."""

    @property
    def events(self) -> Iterable[bytes]:
        """The harness's event lines."""
        ...

    @property
    def replies(self) -> IO[bytes]:
        """Where the host's replies go."""
        ...

    def pid(self) -> int | None: ...

    def wait(self) -> int:
        """The exit status, a negative signal number when killed."""
        ...

    def close(self) -> None: ...


class SpawnedTwin:
    """A twin interpreter this process started on the harness."""

    def __init__(self, process: subprocess.Popen[bytes], events: IO[bytes], replies: IO[bytes]):
        self.process, self.events, self.replies = process, events, replies

    def pid(self) -> int | None:
        return self.process.pid

    def wait(self) -> int:
        return self.process.wait()

    def close(self) -> None:
        for stream in (self.events, self.replies):
            with contextlib.suppress(OSError):
                stream.close()


class ZygoteRun:
    """A run the twin's zygote forked; it dies with this process (its lifeline closes)."""

    def __init__(self, control: Path, events: int, replies: int, lifeline: int) -> None:
        self._status = control / "twin-status"
        self._pid_file = control / "twin-pid"
        self._events_fd, self._lifeline = events, lifeline
        self.events = self._lines()
        self.replies = os.fdopen(replies, "wb")

    def pid(self) -> int | None:
        try:
            return int(self._pid_file.read_text())
        except (OSError, ValueError):
            return None

    def wait(self) -> int:
        while not self._status.exists():
            time.sleep(POLL_S)
        return int(self._status.read_text())

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.replies.close()
        for fd in (self._events_fd, self._lifeline):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _lines(self) -> Iterator[bytes]:
        """The harness's event lines, until the run has ended and every line is read."""
        buffered = b""
        while True:
            readable = select.select([self._events_fd], [], [], 0.05)[0]
            ended = self._status.exists()  # before the read: a line written before exit is in
            chunk = self._read() if readable or ended else b""
            if chunk:
                *lines, buffered = (buffered + chunk).split(b"\n")
                yield from (line for line in lines if line.strip())
            elif ended:
                return
            elif readable:  # no writer (not yet connected, or gone before its status is out)
                time.sleep(POLL_S)

    def _read(self) -> bytes:
        try:
            return os.read(self._events_fd, 65536)
        except BlockingIOError:
            return b""


def order_run(
    zygote: Path, layout: RunDir, spec: dict[str, Any], environ: dict[str, str]
) -> ZygoteRun | None:
    """Have the zygote in ``zygote`` fork this run's twin process; None when it cannot (the
    zygote is gone or not ready in time, or this process's output is not a plain file): the
    caller then starts the twin afresh."""
    outputs = _output_paths()
    if outputs is None or not _await_ready(zygote):
        return None
    control = layout.control
    fifos = {name: control / f"twin-{name}" for name in ("lifeline", "events", "replies")}
    for fifo in fifos.values():
        os.mkfifo(fifo, 0o600)
    # Opened so that neither side blocks: a process that dies early cannot hang the other.
    lifeline = os.open(fifos["lifeline"], os.O_RDWR)
    events = os.open(fifos["events"], os.O_RDONLY | os.O_NONBLOCK)
    replies = os.open(fifos["replies"], os.O_RDWR)
    run = ZygoteRun(control, events, replies, lifeline)
    (control / "twin-request.json").write_text(json.dumps(spec))
    order = {
        "control": str(control),
        "status": str(control / "twin-status"),
        "pid_file": str(control / "twin-pid"),
        **{name: str(path) for name, path in fifos.items()},
        "stdout": outputs[0],
        "stderr": outputs[1],
        "cwd": str(layout.process_cwd),
        "environ": environ,
        "rlimits": {
            name: list(resource.getrlimit(getattr(resource, f"RLIMIT_{name}")))
            for name in ("AS", "NPROC")
        },
        "group": _own_group(),
    }
    try:
        requests = os.open(zygote / REQUESTS, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # the zygote died after it was ready
        run.close()
        return None
    try:
        os.write(requests, json.dumps(order).encode() + b"\n")
    finally:
        os.close(requests)
    return run


def _output_paths() -> tuple[str, str] | None:
    """Paths the twin process opens to write to this process's stdout and stderr (both plain
    files, which every caller of a run gives it), now appended to by both processes."""
    if not sys.platform.startswith("linux"):
        return None
    paths = []
    for fd in (1, 2):
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
        except OSError:
            return None
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
        paths.append(f"/proc/{os.getpid()}/fd/{fd}")
    return paths[0], paths[1]


def _await_ready(zygote: Path) -> bool:
    deadline = time.monotonic() + READY_WAIT_S
    ready = zygote / READY
    while not ready.exists():
        if time.monotonic() > deadline or not zygote.exists():
            return False
        time.sleep(POLL_S)
    return True


def _own_group() -> str | None:
    group = group_path(os.getpid())
    return str(group) if group is not None and group.is_dir() else None
