"""The server's side of a script host (:mod:`azml_lsp.serve.host_main`): start it, hand it one
request's frames at a time, and replace it when it dies or overruns.

A host always runs in this interpreter; under a cloud twin it keeps a request template in the
twin's interpreter (:mod:`azml_lsp.serve.twin_host`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from azml_lsp.runtime.model import DEFAULT_MAX_PROCESSES, RunError
from azml_lsp.runtime.processes.forkguard import release_group
from azml_lsp.serve.config import WATCHDOG_GRACE_S, ServeConfig
from azml_lsp.serve.host_main import (
    CANCEL,
    STACK_DUMP_GRACE_S,
    Answer,
    ask_for_stack,
    cancelled_error,
    crash_error,
    dumped_line,
    error_answer,
    timeout_error,
)
from azml_lsp.serve.host_wire import receive, send
from azml_lsp.serve.scoring import internal_error

LOG = logging.getLogger("azml_lsp.serve")
#: How long a host may take to import pandas, extract the bundle and import the script.
START_TIMEOUT_S = 120.0


def host_command(config: ServeConfig, fd: int) -> list[str]:
    """The command that starts a host for ``config`` on socket ``fd`` (this interpreter)."""
    return [sys.executable, "-m", "azml_lsp.serve.host_main", str(fd), str(os.getpid())]


def host_setup(config: ServeConfig) -> dict[str, Any]:
    """What a host needs to know, sent once after it starts."""
    return {
        "script": str(config.script),
        "bundle": str(config.bundle) if config.bundle else None,
        "dialect": config.dialect.value,
        "isolation": config.isolation,
        "timeout_s": config.timeout_s,
        "memory_mb": config.memory_mb,
        "max_processes": DEFAULT_MAX_PROCESSES,
        "schemas": config.schemas,
        "twin": asdict(config.twin) if config.twin is not None else None,
    }


class HostProcess:
    """One script host: one call at a time (the pool sees to that)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._ready = False
        self._stack_file: Path | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start the host (it gets ready in the background; a call waits for it)."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.poll() is None and self._sock is not None:
            return
        self._stop()
        ours, theirs = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                host_command(self.config, theirs.fileno()),
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            theirs.close()
        self._sock, self._ready = ours, False
        send(ours, host_setup(self.config))

    def _await_ready(self) -> None:
        assert self._sock is not None
        if self._ready:
            return
        if not _readable(self._sock, START_TIMEOUT_S):
            raise RuntimeError("the script host did not start in time")
        message = receive(self._sock)
        if message is None or not message.get("ready"):
            raise RuntimeError("the script host ended while it started")
        self._ready = True
        self._stack_file = Path(message["stack_file"])

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            release_group(self._process.pid)  # a request template's pids group
            self._process = None
        self._ready = False

    def warm_up(self) -> RunError | None:
        """Wait until the host has imported the script; its error when it could not start."""
        with self._lock:
            try:
                self._ensure_started()
                self._await_ready()
            except (RuntimeError, OSError) as exc:
                self._stop()
                return internal_error(f"the script host did not start: {exc}")
        return None

    def score(self, body: bytes, cancel: threading.Event, request_id: str = "") -> Answer:
        """The answer to one request body (the host parses it and runs the script); what the
        script printed goes to the log, each line tagged with ``request_id``."""
        with self._lock:
            try:
                self._ensure_started()
                self._await_ready()
                assert self._sock is not None
                send(self._sock, body)
            except (RuntimeError, OSError) as exc:
                self._stop()
                return error_answer(internal_error(f"the script host failed: {exc}"))
            return self._answer(self._sock, cancel, request_id)

    def _answer(self, sock: socket.socket, cancel: threading.Event, request_id: str) -> Answer:
        """Wait for the answer; past the deadline or on ``cancel``, kill and replace the host."""
        # the host times the call when a template makes it (request isolation, or any in a twin)
        own_timeout = self.config.isolation == "request" or self.config.twin is not None
        limit = self.config.timeout_s + (WATCHDOG_GRACE_S if own_timeout else 0.0)
        deadline = time.monotonic() + limit
        asked_to_stop = False
        while not _readable(sock, 0.05):
            if cancel.is_set() and own_timeout and not asked_to_stop:
                send(sock, CANCEL)  # the template stops the call's child and answers
                asked_to_stop = True
            elif cancel.is_set():
                return error_answer(self._overran(None))
            elif time.monotonic() >= deadline and not self._ask_for_stack(sock):
                return error_answer(self._overran(self._stack_file))
        failure: Exception | None = None
        try:
            answer = receive(sock)
        except (OSError, ValueError, EOFError) as exc:
            answer, failure = None, exc
        if answer is None:
            status = self._replace()
            if failure is not None:
                return error_answer(internal_error(f"the script host failed: {failure}"))
            return error_answer(crash_error(status))
        with contextlib.suppress(OSError, ValueError, EOFError):
            log_output(request_id, receive(sock) or "")
        if asked_to_stop:
            return error_answer(cancelled_error())
        status_code, content = answer
        return status_code, content

    def _ask_for_stack(self, sock: socket.socket) -> bool:
        """Ask an overrunning host for its stack; True when it answered the call meanwhile."""
        if self._process is not None:
            ask_for_stack(self._process.pid)
        return _readable(sock, STACK_DUMP_GRACE_S)

    def _overran(self, stack_file: Path | None) -> RunError:
        """Stop a host whose call ran too long (the line it was running in ``stack_file``), or
        whose caller left (None); start its successor."""
        line = None if stack_file is None else dumped_line(stack_file, str(self.config.script))
        self._replace()
        if stack_file is None:
            return cancelled_error()
        return timeout_error(self.config.timeout_s, line)

    def _replace(self) -> int | None:
        """Stop the host (its exit status) and start its successor, which warms up meanwhile."""
        process = self._process
        status = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                status = process.wait(timeout=0.5)
        self._stop()
        if status is None and process is not None:
            status = process.returncode
        self._ensure_started()
        return status


def log_output(request_id: str, output: str) -> None:
    """Log what a request's script wrote to stdout and stderr, a line at a time."""
    for line in output.splitlines():
        LOG.info("[request %s] %s", request_id, line)


def _readable(sock: socket.socket, timeout_s: float) -> bool:
    readable, _, _ = select.select([sock], [], [], timeout_s)
    return bool(readable)
