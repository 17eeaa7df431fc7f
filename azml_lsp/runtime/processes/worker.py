"""A warm worker: a process with pandas, numpy and matplotlib imported that forks a fresh child per
run, so an in-editor Run or a web request does not pay Python's and pandas' start-up.

The worker never runs user code itself: each run is a forked child in a session of its own, so
nothing a script does (globals, imports, ``sys.path``, cwd, environment) reaches the next run. The
server side (:class:`WarmWorker`) talks to it over a ``SOCK_SEQPACKET`` socket pair, passing the
run's output and event descriptors with ``SCM_RIGHTS``; the worker reports each child's pid and,
once it has reaped it, its exit status. A worker that died is replaced before the next run.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from azml_lsp.runtime.model import RunRequest, RunResult
from azml_lsp.runtime.processes import kill_session
from azml_lsp.runtime.processes.forkguard import cage
from azml_lsp.runtime.processes.launch import WorkerProcess, spawn_worker
from azml_lsp.runtime.processes.limits import CAGED
from azml_lsp.runtime.rundir import RunDir
from azml_lsp.runtime.runner import EventHandler, run, run_with

MAX_MESSAGE = 64 * 1024
WARM_MODULES = ("pandas", "numpy", "pyarrow", "matplotlib", "matplotlib.pyplot")
#: What a one-run worker imports: what every run needs, nothing a script may not use.
LIGHT_MODULES = ("pandas",)


# ---------------------------------------------------------------- the worker process


def _warm_up(light: bool) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in LIGHT_MODULES if light else WARM_MODULES:
        with contextlib.suppress(Exception):  # a missing package only costs the child an import
            __import__(name)
    import azml_lsp.contract.returns
    import azml_lsp.runtime.child
    import azml_lsp.runtime.inputs
    import azml_lsp.runtime.outputs  # noqa: F401

    if light:
        return
    with contextlib.suppress(Exception):  # first use of the readers sets up their libraries
        _exercise_readers()


def _exercise_readers() -> None:
    """Read and write a tiny table in each format, so no forked child pays the first-use cost."""
    import io

    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    buffer.seek(0)
    pd.read_parquet(buffer)
    pd.read_csv(io.StringIO(frame.to_csv(index=False)), engine="pyarrow")


def _run_forked(control: str, fds: list[int], worker_pid: int, cap_report: int) -> None:
    """In the forked child: become a fresh process for one run, then exit. The worker caps
    its processes meanwhile and says so on ``cap_report``."""
    code = 0
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        out_fd, err_fd, event_fd = fds
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        for fd in (null, out_fd, err_fd):
            os.close(fd)
        _reseed()
        from azml_lsp.runtime.child import prepare_process, run_in_this_process
        from azml_lsp.runtime.events import RESULT_EVENT, EventChannel

        rundir, request = RunDir.open(Path(control))
        os.chdir(rundir.process_cwd)
        prepare_process(request, rundir, worker_pid, cap_report)
        channel = EventChannel(event_fd)
        channel.stage("start")
        payload = run_in_this_process(request, rundir, channel)
        channel.send(RESULT_EVENT, result=payload)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _reseed() -> None:
    """Forked children would share the worker's random state: give each run fresh entropy."""
    import random

    random.seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _send(sock: socket.socket, message: dict[str, Any]) -> None:
    sock.send(json.dumps(message).encode())


def worker_main(fd: int, light: bool = False) -> int:
    """Serve fork requests until the other end closes the socket."""
    sock = socket.socket(fileno=fd)
    _warm_up(light)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    os.set_blocking(wake_read, False)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    _send(sock, {"ready": True, "pid": os.getpid()})
    children: set[int] = set()
    while True:
        readable, _, _ = select.select([sock.fileno(), wake_read], [], [], 1.0)
        if wake_read in readable:
            _drain(wake_read)
        if sock.fileno() in readable:
            try:
                data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 3)
            except OSError:
                data, fds = b"", []
            if not data:
                break
            request = json.loads(data)
            worker_pid = os.getpid()
            cap_read, cap_write = os.pipe()
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                for descriptor in (wake_read, wake_write, cap_write):
                    os.close(descriptor)
                sock.close()
                _run_forked(request["control"], fds, worker_pid, cap_read)
            for descriptor in (*fds, cap_read):
                os.close(descriptor)
            children.add(pid)
            _send(sock, {"forked": request["id"], "pid": pid})
            _cap_child(pid, request.get("max_processes"), cap_write)
        _reap(sock, children)
    for pid in children:
        kill_session(pid)
    return 0


def _cap_child(pid: int, max_processes: int | None, report: int) -> None:
    """Put a forked child in its pids group while it reads its inputs, and tell it how that
    went (it caps itself when this could not)."""
    caged = max_processes is not None and cage(pid, max_processes)
    try:
        os.write(report, CAGED if caged else b"0")
    except OSError:
        pass  # the child has already ended
    finally:
        os.close(report)


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def _reap(sock: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(sock, {"exited": pid, "status": os.waitstatus_to_exitcode(status)})


# ---------------------------------------------------------------- the server side


class ForkedChild:
    """A run's child forked by the worker; its status arrives over the worker's socket."""

    def __init__(self, worker: WarmWorker, pid: int) -> None:
        self.worker = worker
        self.pid = pid

    def poll(self) -> int | None:
        return self.worker._status(self.pid)

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, sig)

    def kill_all(self) -> None:
        kill_session(self.pid)
        self.worker._await_exit(self.pid, timeout=2.0)


class WarmWorker:
    """Runs requests in children forked from one warm process (see the module docstring)."""

    def __init__(self, python: str | None = None, light: bool = False) -> None:
        """``light``: import only what every run needs (a worker for one command-line run)."""
        self.python = python or sys.executable
        self.light = light
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._process: WorkerProcess | None = None
        self._sock: socket.socket | None = None
        self._ready = False
        self._pending: dict[int, int] = {}
        self._statuses: dict[int, int] = {}
        self._next_id = 0

    # lifecycle ------------------------------------------------------------

    def start(self) -> None:
        """Start the worker process (in the background: :meth:`run` waits for it to be warm)."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.poll() is None and self._sock is not None:
            return
        self._close_locked()
        self._adopt(*spawn_worker(self.python, self.light))

    def _adopt(self, process: WorkerProcess, sock: socket.socket) -> None:
        self._process, self._sock, self._ready = process, sock, False
        threading.Thread(target=self._listen, args=(sock,), daemon=True).start()

    @classmethod
    def adopt(cls, process: WorkerProcess, sock: socket.socket, light: bool) -> WarmWorker:
        """A worker for a process :mod:`azml_lsp.runtime.processes.launch` started."""
        worker = cls(light=light)
        with worker._lock:
            worker._adopt(process, sock)
        return worker

    def _listen(self, sock: socket.socket) -> None:
        """Dispatch the worker's messages: ready, forked (pid), exited (status)."""
        while True:
            try:
                data = sock.recv(MAX_MESSAGE)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    if self._sock is sock:
                        self._ready = False
                        self._sock = None
                    self._cond.notify_all()
                    return
                message = json.loads(data)
                if "ready" in message:
                    self._ready = True
                elif "forked" in message:
                    self._pending[message["forked"]] = message["pid"]
                elif "exited" in message:
                    self._statuses[message["exited"]] = message["status"]
                    while len(self._statuses) > 1000:
                        del self._statuses[next(iter(self._statuses))]
                self._cond.notify_all()

    def close(self) -> None:
        """Stop the worker and every child it still has."""
        with self._lock:
            self._close_locked()

    def abandon(self) -> None:
        """Stop the worker at once, for a caller about to exit whose runs are over: it leads a
        process group of its own (a run's child leads its own session), so no search for
        strays. It is still reaped, so the caller's resource usage counts it and its runs."""
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
            if self._process is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
                self._process = None

    def _close_locked(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._process is not None:
            kill_session(self._process.pid)
            self._process.wait()
            self._process = None

    @property
    def pid(self) -> int | None:
        """The worker process's pid (None before start)."""
        return None if self._process is None else self._process.pid

    # runs -----------------------------------------------------------------

    def run(
        self,
        request: RunRequest,
        on_event: EventHandler | None = None,
        cancel: threading.Event | None = None,
    ) -> RunResult:
        """Run ``request`` in a fresh forked child; same contract as :func:`azml_lsp.runtime.run`."""
        if request.python and request.python != self.python:
            return run(request, on_event, cancel)
        return run_with(self._fork, request, on_event, cancel)

    def _fork(self, request: RunRequest, rundir: RunDir, event_fd: int) -> ForkedChild:
        """Ask the worker for a child; a worker found dead on the way is replaced once."""
        with self._lock:
            for _attempt in range(2):
                pid = self._try_fork(request, rundir, event_fd)
                if pid is not None:
                    return ForkedChild(self, pid)
                self._close_locked()
        raise RuntimeError("the warm worker could not start a run: see its stderr")

    def _try_fork(self, request: RunRequest, rundir: RunDir, event_fd: int) -> int | None:
        self._ensure_started()
        with self._cond:
            self._cond.wait_for(lambda: self._ready or self._sock is None, timeout=60)
            sock = self._sock if self._ready else None
        if sock is None:
            return None
        self._next_id += 1
        ident = self._next_id
        message = json.dumps(
            {"id": ident, "control": str(rundir.control), "max_processes": request.max_processes}
        ).encode()
        with rundir.stdout_file.open("wb") as out, rundir.stderr_file.open("wb") as err:
            try:
                socket.send_fds(sock, [message], [out.fileno(), err.fileno(), event_fd])
            except OSError:
                return None
        with self._cond:
            self._cond.wait_for(
                lambda: ident in self._pending or self._sock is not sock, timeout=30
            )
            return self._pending.pop(ident, None)

    def _status(self, pid: int) -> int | None:
        with self._cond:
            if pid in self._statuses:
                return self._statuses[pid]
            if self._sock is None and not _alive(pid):
                return -int(signal.SIGKILL)
            return None

    def _await_exit(self, pid: int, timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(
                lambda: pid in self._statuses or self._sock is None, timeout=timeout
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    from azml_lsp.runtime.processes.launch import drop_startup_path_entry

    drop_startup_path_entry()
    if "--tied" in sys.argv[2:]:
        from azml_lsp.runtime.processes import die_with_parent

        die_with_parent(int(sys.argv[sys.argv.index("--tied") + 1]))
    sys.exit(worker_main(int(sys.argv[1]), light="--light" in sys.argv[2:]))
