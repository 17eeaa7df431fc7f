"""The parent side of a run: start the child, watch it, enforce the timeout, build the result.

Nothing here imports pandas: the parent (CLI, language server, web service) stays light and never
runs user code. A child that crashes, hangs or exits early becomes a structured :class:`RunError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from azml_lsp.contract import ErrorCode
from azml_lsp.runtime.events import RESULT_EVENT, STAGES
from azml_lsp.runtime.inputs import OUT_OF_MEMORY_SIGNS, too_big_message
from azml_lsp.runtime.model import RunError, RunRequest, RunResult
from azml_lsp.runtime.processes import await_session_end
from azml_lsp.runtime.processes.forkguard import release_group
from azml_lsp.runtime.processes.limits import STACK_DUMP_SIGNAL
from azml_lsp.runtime.processes.stackdump import script_line_from_dump
from azml_lsp.runtime.rundir import RunDir

EventHandler = Callable[[dict[str, Any]], None]

#: How long a timed-out child gets to write its stack before it is killed.
STACK_DUMP_GRACE_S = 0.5
#: How long a debug run's adapter gets, once the script is done, to tell the editor the session
#: ended and exit by itself before it is killed with the rest of the run.
DEBUG_ADAPTER_GRACE_S = 2.0
#: How long to wait for the event pipe to close after the child exited (a grandchild may hold it).
PIPE_GRACE_S = 0.5


class ChildHandle(Protocol):
    """A started child process, whatever started it."""

    @property
    def pid(self) -> int:
        """The child's pid (it leads its own session)."""

    def poll(self) -> int | None:
        """The exit status (negative: killed by that signal), or None while it runs."""

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the child itself."""

    def kill_all(self) -> None:
        """Kill the child and every process it started (its session), and reap the child."""


@dataclass
class _Watch:
    """What the event reader learnt from the child."""

    payload: dict[str, Any] | None = None
    stage: str = "start"
    #: The last progress report: the input port being read and how many bytes of it were read.
    reading: tuple[int, int] | None = None
    finished: threading.Event = field(default_factory=threading.Event)


def _read_events(fd: int, watch: _Watch, on_event: EventHandler | None) -> None:
    with os.fdopen(fd, "rb") as stream:
        for raw in stream:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if event.get("event") == RESULT_EVENT:
                watch.payload = event.get("result")
                continue
            if event.get("event") == "stage":
                watch.stage = str(event.get("stage"))
            elif event.get("event") == "progress":
                watch.reading = (int(event.get("port", 0)), int(event.get("done", 0)))
            if on_event is not None:
                with contextlib.suppress(Exception):  # a broken observer must not break the run
                    on_event(event)
    watch.finished.set()


def supervise(
    request: RunRequest,
    rundir: RunDir,
    spawn: Callable[[RunRequest, RunDir, int], ChildHandle],
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Start the child with ``spawn(request, rundir, event_write_fd)``, watch it to the end,
    return the result."""
    started = time.perf_counter()
    read_fd, write_fd = os.pipe()
    try:
        child = spawn(request, rundir, write_fd)
    finally:
        os.close(write_fd)
    watch = _Watch()
    reader = threading.Thread(target=_read_events, args=(read_fd, watch, on_event), daemon=True)
    reader.start()
    ended = _wait(request, child, watch, cancel)
    if request.debug is not None and ended == "done":
        await_session_end(child.pid, DEBUG_ADAPTER_GRACE_S)
    child.kill_all()
    release_group(child.pid)
    reader.join(timeout=PIPE_GRACE_S)
    status = child.poll()
    result = _result(request, rundir, watch, ended, status)
    result.duration_s = round(time.perf_counter() - started, 4)
    return result


def _wait(
    request: RunRequest, child: ChildHandle, watch: _Watch, cancel: threading.Event | None
) -> str:
    """Block until the child is done; returns ``done``, ``timeout`` or ``cancelled``."""
    deadline = None if request.timeout_s is None else time.monotonic() + request.timeout_s
    step = 0.05 if cancel is not None else 0.25
    exited_at: float | None = None
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        wait_for = step if remaining is None else max(0.0, min(step, remaining))
        if watch.finished.wait(wait_for):
            return "done"
        if cancel is not None and cancel.is_set():
            return "cancelled"
        if deadline is not None and time.monotonic() >= deadline:
            child.signal(STACK_DUMP_SIGNAL)
            watch.finished.wait(STACK_DUMP_GRACE_S)
            return "done" if watch.payload is not None else "timeout"
        if child.poll() is not None:
            exited_at = exited_at or time.monotonic()
            if time.monotonic() - exited_at > PIPE_GRACE_S:
                return "done"


def _result(
    request: RunRequest, rundir: RunDir, watch: _Watch, ended: str, status: int | None
) -> RunResult:
    payload = watch.payload
    base = {"ok": False, "dialect": request.dialect, "script": request.script}
    if payload is not None:
        fields = ("outputs", "images", "warnings", "error", "environment")
        result = RunResult.from_json({**base, **{k: payload[k] for k in fields if k in payload}})
    else:
        result = RunResult.from_json(base)
    if request.environment_note:
        result.warnings.insert(0, request.environment_note)
    if not result.environment:  # the child ended before it could say
        result.environment = request.twin.summary if request.twin else "local"
    result.stdout = _read_capture(rundir.stdout_file, request.capture_max_bytes)
    result.stderr = _read_capture(rundir.stderr_file, request.capture_max_bytes)
    if payload is None:
        result.error = _input_too_big(request, watch, result.stderr) or _no_result_error(
            request, rundir, watch.stage, ended, status
        )
    result.ok = result.error is None
    if request.keep_workdir:
        result.workdir = str(rundir.work)
    return result


def _input_too_big(request: RunRequest, watch: _Watch, stderr: str) -> RunError | None:
    """The input refusal for a child that a native reader ended while loading a file: Arrow
    aborts the process when an allocation fails in one of its reader threads."""
    if watch.stage != "read" or watch.reading is None:
        return None
    port, done = watch.reading
    path = {1: request.dataset1, 2: request.dataset2}.get(port)
    tail = stderr[-2048:]  # the abort message is the last thing the process wrote
    if path is None or not any(sign in tail for sign in OUT_OF_MEMORY_SIGNS):
        return None
    message = too_big_message(path, done, request.memory_mb)
    return RunError(code=0, kind="input", message=message, detail=message)


def _no_result_error(
    request: RunRequest, rundir: RunDir, stage: str, ended: str, status: int | None
) -> RunError:
    """Explain a child that ended without reporting a result."""
    script = os.path.abspath(request.script)
    dump = rundir.stack_file.read_text(errors="replace") if rundir.stack_file.exists() else ""
    line = script_line_from_dump(dump, script)
    where = _stage_words(stage)
    if ended == "cancelled":
        return RunError(
            code=0, kind="cancelled", message=f"The run was cancelled {where}.", line=None
        )
    if ended == "timeout":
        at = f" at line {line}" if line else ""
        return RunError(
            code=int(ErrorCode.SCRIPT_ERROR),
            kind="timeout",
            exception="TimeoutError",
            message=(
                f"The script did not finish within {request.timeout_s:g} s and was stopped {where}{at}. "
                "Look for an endless loop or a call that waits (network, input()); raise the limit "
                "with --timeout if the work is really that long."
            ),
            line=line,
            traceback=dump,
        )
    if status is not None and status < 0:
        name = signal.Signals(-status).name
        if name == "SIGKILL":
            kind, cause = (
                "memory",
                (
                    "it was killed (SIGKILL), most likely by the system for using too much memory; "
                    "lower the memory use or the input size, or raise --memory-mb"
                ),
            )
        else:
            kind, cause = "crash", f"it was killed by {name} ({signal.strsignal(-status)})"
        message = f"The Python process running the script ended {where}: {cause}."
    else:
        kind = "crash"
        message = (
            f"The Python process running the script exited with status {status} {where} without "
            "returning: the script called os._exit() or a native library ended the process. "
            "In the cloud this fails the module with error 0085."
        )
    return RunError(
        code=int(ErrorCode.SCRIPT_ERROR),
        kind=kind,
        exception=None,
        message=message,
        line=line,
        traceback=dump,
    )


def _stage_words(stage: str) -> str:
    return f"while {STAGES[stage]}" if stage in STAGES else ""


def _read_capture(path: Path, limit: int) -> str:
    """Captured output as text; a flood keeps its head and tail with a note of what was cut."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return ""
    with path.open("rb") as stream:
        if size <= limit:
            return stream.read().decode("utf-8", errors="replace")
        half = limit // 2
        head = stream.read(half)
        stream.seek(size - half)
        tail = stream.read()
    cut = size - 2 * half
    note = f"\n[... {cut:,} bytes of output left out ...]\n"
    return head.decode("utf-8", errors="replace") + note + tail.decode("utf-8", errors="replace")
