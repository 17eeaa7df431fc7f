"""The script host: the process that ``azml serve`` hands requests to (user code only ever runs
here or in a child forked from here, never in the server).

Started as ``python -m azml_lsp.serve.host_main FD SERVER_PID`` with one end of a socket pair.
It imports pandas and the runtime's contract helpers, extracts the bundle, imports the script
once, says it is ready, then answers calls, one at a time:

- ``request`` isolation: the host is a *template*. Each call forks a child from it; the child
  calls ``azureml_main`` on the request's frames and writes its answer back through a pipe, then
  exits. Every request starts from the template's state (module globals as the import left
  them), so nothing one request does reaches the next, and a request pays a fork, not an import.
- ``reimport`` isolation: the host imports the script again (its compiled code, into a new
  module) and calls ``azureml_main`` itself, as the designer's real-time pipeline re-imports the
  script on every request: the script's globals start afresh, the modules it imports (the
  bundle's, pandas) keep their state.
- ``worker`` isolation: the host calls ``azureml_main`` itself, like an online endpoint's
  ``run()`` after ``init()``: module state persists between the requests of one host.

The host also turns the request's JSON into frames and the result frames into the answer's
JSON, so that work runs in parallel over the hosts, not in the server's one process. Under a
cloud twin the template is a process in the twin's interpreter, and the host keeps the
contract's side (:mod:`azml_lsp.serve.twin_host`).

Messages are length-prefixed pickles (:mod:`azml_lsp.serve.host_wire`): the setup, then per
call the request body in and two messages out: the answer, ``(HTTP status, JSON body)``, then
what the script wrote to stdout and stderr (text, for the server's log).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from azml_lsp.serve.host_wire import receive, send, send_pickled

#: What :meth:`ScriptHost.call_here` gives: ``{"tables": [frame or None, ...]}`` or
#: ``{"error": RunError}``.
Reply = dict[str, Any]
#: An answer to the server: the HTTP status and the JSON body.
Answer = tuple[int, bytes]
STACK_FILE = "stack.txt"
OUTPUT_FILE = "output.txt"
#: How much of a call's stdout/stderr goes to the server's log.
OUTPUT_LIMIT = 64 * 1024
#: What the server sends while a call runs to have it stopped (its caller left).
CANCEL = "cancel"


class ScriptHost:
    """The script imported once, and the call of ``azureml_main`` on one request's frames."""

    def __init__(self, setup: dict[str, Any], server: socket.socket) -> None:
        from azml_lsp.contract import Dialect

        self.setup = setup
        self.server = server
        self.script = str(setup["script"])
        self.dialect = Dialect.parse(setup["dialect"])
        self.isolation = str(setup["isolation"])
        self.timeout_s = float(setup["timeout_s"])
        self.schemas = setup.get("schemas") or {}
        self.base = Path(tempfile.mkdtemp(prefix="azml-serve-host-"))
        self.work = self.base / "work"
        self.work.mkdir()
        self.stack_file = self.base / STACK_FILE
        self.code: Any = None
        """The script compiled (reimport isolation executes it again for every call)."""
        self.entry: Any = None
        self.shape: Any = None
        self.extracted: Any = None
        """The extracted Script Bundle (an ``ExtractedBundle``), when the script has one."""
        self.import_error: Any = None
        self.caged = False
        self.finished_calls: list[Path] = []
        self.staged: tuple[Path, Path] | None = None
        """Request isolation: the next call's folder and working directory, made ahead."""
        self.output = ""
        """What the last call wrote to stdout and stderr (sent after its answer)."""
        """Request isolation: the folders of answered calls, removed once the answer is sent."""
        """Request isolation: this template sits in a pids group of its own that its calls'
        children inherit, so a child needs no group (and no group move) of its own."""

    # start-up ---------------------------------------------------------------

    def prepare(self) -> None:
        """Import what every call needs, extract the bundle, cap the worker, import the script."""
        os.environ.setdefault("MPLBACKEND", "Agg")
        import pandas  # noqa: F401

        import azml_lsp.contract.inputs
        import azml_lsp.contract.returns
        import azml_lsp.runtime.tracebacks
        import azml_lsp.serve.errors
        import azml_lsp.serve.schema
        import azml_lsp.serve.shapes  # noqa: F401

        try:
            search_path = self._search_path()
        except Exception as exc:  # a bundle that cannot be extracted: every call reports it
            self.import_error = failure("bundle", str(exc))
            return
        if self.isolation != "request":
            self._limit_this_process()
            arm_stack_dump(self.stack_file)
        else:
            from azml_lsp.runtime.processes.forkguard import cage

            # one call at a time: its child and everything it starts share the cap (+1: this)
            self.caged = cage(os.getpid(), int(self.setup["max_processes"]) + 1)
        self._import_script(search_path)
        if self.isolation == "request":
            warm_request_path(self.dialect)
            gc.collect()
            gc.freeze()  # the template's objects stay out of a child's collections (no copies)

    def _search_path(self) -> list[str]:
        bundle = self.setup.get("bundle")
        if not bundle:
            return [str(self.work)]
        from azml_lsp.bundles import (
            BundleError,
            BundleLimits,
            extract_bundle,
            install_source_mapping,
        )
        from azml_lsp.contract.profile import BUNDLE_DIR_NAME

        try:
            extracted = extract_bundle(bundle, self.work / BUNDLE_DIR_NAME, BundleLimits())
        except BundleError as exc:
            raise ValueError(str(exc)) from None
        install_source_mapping(extracted)
        self.extracted = extracted
        return [str(self.work), str(extracted.root)]

    def _limit_this_process(self) -> None:
        """The run's memory and process caps, on this process (worker isolation) or on a
        request's child (request isolation; the process cap is the template's group's)."""
        import resource

        from azml_lsp.runtime.processes.forkguard import limit_processes

        if not self.caged:
            limit_processes(int(self.setup["max_processes"]))
        memory_mb = self.setup.get("memory_mb")
        if memory_mb:
            cap = int(memory_mb) * 1024 * 1024
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

    def _import_script(self, search_path: list[str]) -> None:
        from azml_lsp.runtime.tracebacks import PACKAGE_DIR, ExceptionFacts, script_error

        sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())] + search_path
        os.chdir(self.work)
        try:
            source = Path(self.script).read_bytes()
            self.code = compile(source, self.script, "exec", dont_inherit=True)
        except BaseException as exc:
            self.import_error = script_error(ExceptionFacts.of(exc), self.script, PACKAGE_DIR)
            return
        self._execute_script()

    def _execute_script(self) -> bool:
        """Run the script's compiled code in a new module (replacing the last one in
        ``sys.modules``) and take its entry point; False, with ``import_error``, when it fails."""
        from azml_lsp.contract import ENTRY_POINT
        from azml_lsp.contract.profile import SCRIPT_MODULE_PREFIX
        from azml_lsp.runtime.tracebacks import PACKAGE_DIR, ExceptionFacts, script_error

        name = SCRIPT_MODULE_PREFIX + "served"
        module = types.ModuleType(name)
        module.__file__ = self.script
        try:
            sys.modules[name] = module
            exec(self.code, module.__dict__)
            self.entry = getattr(module, ENTRY_POINT)
        except BaseException as exc:
            self.import_error = script_error(ExceptionFacts.of(exc), self.script, PACKAGE_DIR)
            return False
        self.import_error = None
        return True

    # calls ------------------------------------------------------------------

    def call(self, body: bytes) -> Answer | bytes:
        """Answer one request, or give its answer pickled already (never raises)."""
        self.output = ""
        if self.import_error is not None and (self.isolation != "reimport" or self.code is None):
            return error_answer(self.import_error)
        if self.isolation != "request":
            self._make_workdir()
            limit = sys.getrecursionlimit()
            output = self.base / OUTPUT_FILE
            try:
                with captured_output(output):
                    # reimport: a failed import is this call's answer; the next call tries again
                    if self.isolation == "reimport" and not self._execute_script():
                        return error_answer(self.import_error)
                    return self.respond(body)
            finally:
                sys.setrecursionlimit(limit)  # the host's own code needs its depth back
                _reap_strays()
                self.output = read_output(output)
        parsed = self.parse(body)  # the script's state is not involved: parse here, once
        return parsed if isinstance(parsed, tuple) else self._call_in_child(parsed)

    def respond(self, body: bytes) -> Answer:
        """Parse the request, call the script on its frames, render the result tables."""
        parsed = self.parse(body)
        return parsed if isinstance(parsed, tuple) else self.run_parsed(parsed)

    def parse(self, body: bytes) -> Any:
        """The request's shape and frames, or the answer refusing it."""
        from azml_lsp.serve.errors import json_bytes, refused
        from azml_lsp.serve.shapes import RequestError, parse_checked

        try:
            return parse_checked(body, self.schemas)
        except RequestError as exc:
            status, content = refused(exc)
            return status, json_bytes(content)

    def run_parsed(self, parsed: Any) -> Answer:
        """Call the script on a parsed request's frames and render the result tables."""
        from azml_lsp.serve.shapes import INPUT_NAMES

        return self.answer_for(parsed, self.call_here([parsed.frames.get(n) for n in INPUT_NAMES]))

    def answer_for(self, parsed: Any, reply: Reply) -> Answer:
        """The answer to a parsed request whose call gave ``reply``: its result tables rendered
        in the request's shape, or its error."""
        from azml_lsp.serve.errors import json_bytes
        from azml_lsp.serve.shapes import output_name, render_outputs

        if "error" in reply:
            return error_answer(reply["error"])
        tables = enumerate(reply["tables"], start=1)
        outputs = {output_name(port): table for port, table in tables if table is not None}
        try:
            return 200, json_bytes(render_outputs(parsed.shape, outputs))
        except (TypeError, ValueError) as exc:
            return error_answer(failure("output", f"the result cannot be sent as JSON: {exc}"))

    def _make_workdir(self) -> None:
        """A working directory for the call (a script may have deleted or left it)."""
        self.work.mkdir(parents=True, exist_ok=True)
        os.chdir(self.work)

    def call_here(self, frames: list[Any]) -> Reply:
        """Call ``azureml_main`` in this process and turn its value into the result tables."""
        from azml_lsp.contract import ParameterShape, call_arguments
        from azml_lsp.contract.inputs import prepare_input_frame
        from azml_lsp.runtime.tracebacks import PACKAGE_DIR, ExceptionFacts, script_error

        try:
            ready = [None if f is None else prepare_input_frame(self.dialect, f) for f in frames]
            if self.shape is None:  # read once: the entry point does not change
                try:
                    self.shape = ParameterShape.of(self.entry)
                except (TypeError, ValueError):
                    self.shape = ParameterShape(positional=2)
            args = call_arguments(self.dialect, self.shape, ready)
        except Exception as exc:
            return {"error": failure("input", f"the request's tables cannot be passed: {exc}")}
        try:
            value = self.entry(*args)
        except BaseException as exc:
            return {"error": script_error(ExceptionFacts.of(exc), self.script, PACKAGE_DIR)}
        return tables_reply(self.dialect, value)

    def _call_in_child(self, parsed: Any) -> Answer | bytes:
        """Fork a child from this template to call the script on a parsed request; its answer
        (pickled), or why it has none."""
        read_end, write_end = os.pipe()
        call_dir, workdir = self.staged or self._stage_call()
        self.staged = None
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child ends in os._exit
            os.close(read_end)
            self._child(parsed, workdir, write_end)
        os.close(write_end)
        line = None
        try:
            data, ended = _read_reply(read_end, pid, self.timeout_s, self.server)
            if ended == "timeout":  # ask for the stack; a call that ends meanwhile still counts
                ask_for_stack(pid)
                more, ended = _read_reply(read_end, pid, STACK_DUMP_GRACE_S, self.server)
                data += more
                line = dumped_line(workdir / STACK_FILE, self.script)
        finally:
            os.close(read_end)
        timed_out = ended == "timeout"
        if ended != "eof":
            self._kill_call(pid)
        _, status = os.waitpid(pid, 0)
        self._kill_call(pid)  # what the call left running
        self.finished_calls.append(call_dir)
        self.output = read_output(call_dir / OUTPUT_FILE)
        if timed_out:
            return error_answer(timeout_error(self.timeout_s, line))
        if ended == "cancelled":
            return error_answer(cancelled_error())
        code = os.waitstatus_to_exitcode(status)
        return data if data and code == 0 else error_answer(crash_error(code))

    def close(self) -> None:
        """Stop what the host started (nothing here; a twin's host stops its template)."""

    def tidy(self) -> None:
        """Remove the folders of answered calls and stage the next call's (after the answer
        has gone: not on a request's path)."""
        while self.finished_calls:
            shutil.rmtree(self.finished_calls.pop(), ignore_errors=True)
        if self.isolation == "request" and self.staged is None and self.import_error is None:
            try:
                self.staged = self._stage_call()
            except OSError:  # the next call tries again, and reports what fails
                self.staged = None

    def _kill_call(self, pid: int) -> None:
        kill_call(pid, os.getpid() if self.caged else None)

    def _stage_call(self) -> tuple[Path, Path]:
        """A call's folder and its working directory, named as a run's is, holding a copy of
        the extracted bundle: what one request writes there, the next does not see."""
        from azml_lsp.contract.profile import BUNDLE_DIR_NAME

        call_dir = Path(tempfile.mkdtemp(prefix="call-", dir=self.base))
        workdir = call_dir / self.work.name
        bundle = self.work / BUNDLE_DIR_NAME
        if bundle.is_dir():
            shutil.copytree(bundle, workdir / BUNDLE_DIR_NAME, symlinks=True)
        else:
            workdir.mkdir()
        return call_dir, workdir

    def _child(self, parsed: Any, workdir: Path, write_end: int) -> None:
        code = 0
        gc.disable()  # a call is short: its garbage goes with the process
        try:
            self.server.close()  # the template's line to the server is not the call's
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _reseed()
            self._limit_this_process()
            arm_stack_dump(workdir / STACK_FILE)
            os.chdir(workdir)
            redirect_output(workdir.parent / OUTPUT_FILE)
            data = pickle.dumps(self.run_parsed(parsed), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            _flush_output()
        except BaseException:
            code = 70
        finally:
            os._exit(code)


# ---------------------------------------------------------------- the script's output


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a script may have closed or replaced it
            stream.flush()


def redirect_output(path: Path) -> None:
    """Send this process's stdout and stderr (file descriptors 1 and 2) to ``path``."""
    _flush_output()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


@contextlib.contextmanager
def captured_output(path: Path) -> Iterator[None]:
    """stdout and stderr go to ``path`` for the block, then back where they went before."""
    saved = os.dup(1), os.dup(2)
    try:
        redirect_output(path)
        yield
    finally:
        _flush_output()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def read_output(path: Path) -> str:
    """What a call wrote to ``path``: its first :data:`OUTPUT_LIMIT` bytes, and how much more
    there was."""
    try:
        with path.open("rb") as stream:
            head = stream.read(OUTPUT_LIMIT)
            size = os.fstat(stream.fileno()).st_size
        path.unlink()
    except OSError:
        return ""
    text = head.decode("utf-8", errors="replace")
    if size > len(head):
        text += f"\n[{size - len(head):,} more bytes of output not shown]"
    return text


# ---------------------------------------------------------------- results and errors


def tables_reply(dialect: Any, value: Any) -> Reply:
    """What the script returned, through the dialect's return contract: ``{"tables", "warnings"}``
    or ``{"error"}``."""
    from azml_lsp.contract.returns import ReturnContractError, result_tables
    from azml_lsp.runtime.stop import return_error

    try:
        tables, warnings = result_tables(dialect, value)
    except ReturnContractError as exc:
        return {"error": return_error(exc)}
    return {"tables": tables, "warnings": warnings}


def warm_request_path(dialect: Any) -> None:
    """Take every lazy first-call cost of a request (pandas' and the contract's) in the
    template, so each forked call does not pay it again: parse a sample request of each shape,
    prepare its frame, take it through the return contract and render it (the script is not
    called)."""
    from azml_lsp.contract.inputs import prepare_input_frame
    from azml_lsp.serve.errors import json_bytes
    from azml_lsp.serve.shapes import parse_checked, render_outputs

    row = {"n": 1, "x": 1.5, "s": "a", "b": True, "t": None}
    table = {"ColumnNames": list(row), "Values": [list(row.values())]}
    for request in ({"input1": [row, row]}, {"input1": table}):
        parsed = parse_checked(json_bytes({"Inputs": request}), {})
        frame = prepare_input_frame(dialect, parsed.frames["input1"])
        reply = tables_reply(dialect, (frame,))
        if "tables" in reply:
            json_bytes(render_outputs(parsed.shape, {"output1": reply["tables"][0]}))


def error_answer(error: Any) -> Answer:
    """The answer for a failed run (a RunError)."""
    from azml_lsp.serve.errors import json_bytes, run_error

    status, content = run_error(error)
    return status, json_bytes(content)


def failure(kind: str, text: str) -> Any:
    """A RunError of ``kind`` that is no script error (no code of the module's)."""
    from azml_lsp.runtime.model import RunError

    return RunError(code=0, kind=kind, message=text, detail=text)


def timeout_error(timeout_s: float, line: int | None = None) -> Any:
    from azml_lsp.contract import ErrorCode
    from azml_lsp.runtime.model import RunError

    return RunError(
        code=int(ErrorCode.SCRIPT_ERROR),
        kind="timeout",
        exception="TimeoutError",
        message=(
            f"The script did not finish within {timeout_s:g} s and was stopped"
            f"{f' at line {line}' if line else ''}. Look for an endless loop or a call that "
            "waits (network, input()); raise the limit with --timeout if the work is really "
            "that long."
        ),
        line=line,
    )


def cancelled_error() -> Any:
    from azml_lsp.runtime.model import RunError

    return RunError(code=0, kind="cancelled", message="The request was cancelled: its caller left.")


def crash_error(status: int | None) -> Any:
    """Why a process that ran the script ended without an answer (``status``: its exit code,
    negative for a signal)."""
    from azml_lsp.contract import ErrorCode
    from azml_lsp.runtime.model import RunError

    if status is not None and status < 0:
        name = signal.Signals(-status).name
        if name == "SIGKILL":
            kind = "memory"
            cause = (
                "it was killed (SIGKILL), most likely by the system for using too much memory; "
                "lower the memory use or the input size, or raise --memory-mb"
            )
        else:
            kind, cause = "crash", f"it was killed by {name} ({signal.strsignal(-status)})"
        message = f"The Python process running the script ended: {cause}."
    else:
        kind = "crash"
        message = (
            f"The Python process running the script exited with status {status} without "
            "returning: the script called os._exit() or a native library ended the process. "
            "In the cloud this fails the module with error 0085."
        )
    return RunError(code=int(ErrorCode.SCRIPT_ERROR), kind=kind, message=message)


# ---------------------------------------------------------------- process helpers

#: How long a timed-out process gets to write its stack before it is killed.
STACK_DUMP_GRACE_S = 0.5


def arm_stack_dump(path: Path) -> None:
    """On ``SIGUSR1`` write this process's Python stack to ``path`` (for a timeout's line)."""
    import faulthandler

    stream = path.open("w")  # kept open for the signal handler
    faulthandler.register(signal.SIGUSR1, file=stream, all_threads=False)


def ask_for_stack(pid: int) -> None:
    """Have ``pid`` write its stack (see :func:`arm_stack_dump`); it may still finish meanwhile."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGUSR1)


def dumped_line(path: Path, script: str) -> int | None:
    """The line of ``script`` a stack dump at ``path`` shows running, or None."""
    from azml_lsp.runtime.processes.stackdump import script_line_from_dump

    try:
        return script_line_from_dump(path.read_text(errors="replace"), script)
    except OSError:
        return None


def _read_reply(fd: int, child: int, timeout_s: float, server: socket.socket) -> tuple[bytes, str]:
    """What the call's child writes to ``fd`` until it exits (processes it started may hold
    the pipe open longer), and how that ended: ``eof``, ``timeout``, or ``cancelled`` (the
    server sent :data:`CANCEL`, or went away)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    exited = os.pidfd_open(child)
    os.set_blocking(fd, False)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return b"".join(chunks), "timeout"
            readable, _, _ = select.select([fd, exited, server.fileno()], [], [], left)
            if server.fileno() in readable:
                receive(server)
                return b"".join(chunks), "cancelled"
            if fd in readable and _drain(fd, chunks):
                return b"".join(chunks), "eof"
            if exited in readable:
                _drain(fd, chunks)
                return b"".join(chunks), "eof"
    finally:
        os.close(exited)


def _drain(fd: int, chunks: list[bytes]) -> bool:
    """Read what ``fd`` holds now; True at its end."""
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return False
        if not chunk:
            return True
        chunks.append(chunk)


def kill_call(pid: int, template: int | None) -> None:
    """Kill a call's child ``pid`` and whatever it started: the pids group of ``template`` holds
    them all (one small file to read; the template itself is spared), else, with no
    ``template``, the child's session (a scan of ``/proc``)."""
    if template is None:
        from azml_lsp.runtime.processes import kill_session

        kill_session(pid)
        return
    from azml_lsp.runtime.processes.forkguard import group_members

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    for member in group_members(template) or ():
        if member != template:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(member, signal.SIGKILL)


def _reap_strays() -> None:
    """Reap the children a call left behind (they would hold pids under the process cap)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _reseed() -> None:
    """A forked child would share the template's random state: give each call fresh entropy."""
    import random

    random.seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _twin_host(setup: dict[str, Any], sock: socket.socket) -> ScriptHost:
    from azml_lsp.serve.twin_host import TwinScriptHost

    return TwinScriptHost(setup, sock)


def main(fd: int, server_pid: int) -> int:
    """Serve calls until the server closes the socket."""
    from azml_lsp.runtime.processes import die_with_parent

    die_with_parent(server_pid)
    sock = socket.socket(fileno=fd)
    setup = receive(sock)
    if setup is None:
        return 0
    host = ScriptHost(setup, sock) if not setup.get("twin") else _twin_host(setup, sock)
    host.prepare()
    host.tidy()  # the first call's folder
    send(sock, {"ready": True, "pid": os.getpid(), "stack_file": str(host.stack_file)})
    try:
        while (body := receive(sock)) is not None:
            if body == CANCEL:
                continue  # it came after the call's answer: nothing to stop
            reply = host.call(body)
            if isinstance(reply, bytes):
                send_pickled(sock, reply)
            else:
                send(sock, reply)
            send(sock, host.output)
            host.tidy()
    finally:
        host.close()
        shutil.rmtree(host.base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    from azml_lsp.runtime.processes.launch import drop_startup_path_entry

    drop_startup_path_entry()
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
