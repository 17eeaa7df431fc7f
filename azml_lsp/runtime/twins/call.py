"""Import and call the script inside a cloud twin: the host side of the harness.

The run's child (this process) has read the inputs and extracted the bundle with the host's
rules. It writes the input tables in the exchange format, starts the twin's interpreter on the
harness (``azml_lsp/harness``) in its own session and under its limits, relays the harness's
stages, answers which input ports ``azureml_main`` gets (the contract decides, from the
parameters the harness reports), and rebuilds the returned value for the host's conversion.

A twin that dies (a segfault, ``os._exit``, a kill) ends this process the same way, so the
supervisor explains it exactly as it explains a local child's death.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import signal
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterable
from dataclasses import asdict, astuple
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from azml_lsp.contract import Dialect, ErrorCode, ParameterShape, call_arguments
from azml_lsp.contract.profile import SCRIPT_MODULE_PREFIX
from azml_lsp.harness import exchange
from azml_lsp.runtime.events import EventChannel
from azml_lsp.runtime.model import RunError, RunRequest, TwinTarget
from azml_lsp.runtime.processes.limits import STACK_DUMP_SIGNAL, await_process_cap
from azml_lsp.runtime.rundir import RunDir
from azml_lsp.runtime.stop import Stop
from azml_lsp.runtime.tracebacks import PACKAGE_DIR, ExceptionFacts, script_error
from azml_lsp.runtime.twins.interpreter import harness_command, twin_environment
from azml_lsp.runtime.twins.process import SpawnedTwin, TwinProcess, order_run

if TYPE_CHECKING:
    from azml_lsp.bundles import ExtractedBundle


def call_in_twin(
    request: RunRequest,
    dialect: Dialect,
    layout: RunDir,
    frames: list[Any],
    extracted: ExtractedBundle | None,
    channel: EventChannel,
    warnings: list[str],
) -> Any:
    """Run the script's import and call in ``request.twin``; returns the rebuilt value (the
    harness's notices join ``warnings``)."""
    twin = request.twin
    assert twin is not None
    result_dir = layout.control / "result"
    result_dir.mkdir()
    inputs = write_inputs(layout.control, frames)
    name = SCRIPT_MODULE_PREFIX + uuid.uuid4().hex
    copy = layout.work / f"{name}.py"
    copy.write_bytes(Path(request.script).read_bytes())
    spec = {
        "script": request.script,
        "module": name,
        "copy": str(copy),
        "work": str(layout.work),
        "import_cwd": str(layout.process_cwd),
        "sys_path_append": layout.search_path(extracted),
        "python2_path_append": extracted.python2_paths() if extracted is not None else [],
        "inputs": inputs,
        "result": str(result_dir),
        "stack_file": str(layout.stack_file),
        "sandbox": _sandbox(request, layout),
        "debug": asdict(request.debug) if request.debug is not None else None,
    }
    await_process_cap()
    channel.stage("import")
    environ = twin_environment(_debugger_paths(request, extracted))
    process: TwinProcess | None = None
    if twin.zygote is not None and request.debug is None:
        process = order_run(Path(twin.zygote), layout, spec, environ)
    if process is None:
        process = _spawn(twin, layout, spec, environ)
    _forward_stack_dumps(process)
    try:
        _converse(dialect, frames, process.events, process.replies, channel, warnings)
        status = process.wait()
    finally:
        process.close()
    outcome_file = result_dir / "result.json"
    if not outcome_file.exists():
        _die_like(status)
    return outcome_value(request, twin, json.loads(outcome_file.read_text()), result_dir, extracted)


def _spawn(
    twin: TwinTarget, layout: RunDir, spec: dict[str, Any], environ: dict[str, str]
) -> TwinProcess:
    """Start the twin's interpreter afresh on the harness, in this process's session."""
    events_read, events_write = os.pipe()
    replies_read, replies_write = os.pipe()
    spec = {**spec, "events_fd": events_write, "replies_fd": replies_read}
    (layout.control / "twin-request.json").write_text(json.dumps(spec))
    process = subprocess.Popen(
        harness_command(twin, str(layout.control)),
        stdin=subprocess.DEVNULL,
        pass_fds=(events_write, replies_read),
        cwd=layout.process_cwd,
        env=environ,
    )
    os.close(events_write)
    os.close(replies_read)
    return SpawnedTwin(process, os.fdopen(events_read, "rb"), os.fdopen(replies_write, "wb"))


def _debugger_paths(request: RunRequest, extracted: ExtractedBundle | None) -> dict[str, str]:
    """Under the debugger, a folder bundle's copy is shown as the user's folder: breakpoints set
    in the user's files hit in the copy the twin imports (debugpy's path translation)."""
    if request.debug is None or extracted is None or not extracted.origin.is_dir():
        return {}
    pairs = [[str(extracted.origin), str(extracted.root)]]
    return {"PATHS_FROM_ECLIPSE_TO_PYTHON": json.dumps(pairs)}


def write_inputs(control: Path, frames: list[Any]) -> list[str | None]:
    """Write each connected port's frame as ``control/input<port>`` in the exchange format; the
    folders, None for an unconnected port."""
    folders: list[str | None] = []
    for port, frame in enumerate(frames, start=1):
        if frame is None:
            folders.append(None)
            continue
        folder = control / f"input{port}"
        exchange.write_table(frame, str(folder))
        folders.append(str(folder))
    return folders


def _converse(
    dialect: Dialect,
    frames: list[Any],
    events: Iterable[bytes],
    replies: IO[bytes],
    channel: EventChannel,
    warnings: list[str],
) -> None:
    """Relay the harness's stages and answer its one question: which ports to pass."""
    connected = [port if frame is not None else None for port, frame in enumerate(frames, 1)]
    for raw in events:
        event = json.loads(raw)
        kind = event.get("event")
        if kind == "stage":
            channel.stage(str(event["stage"]))
        elif kind == "shape":
            facts = event.get("shape")
            shape = ParameterShape(**facts) if facts else ParameterShape(positional=2)
            ports = call_arguments(dialect, shape, connected)
            replies.write(json.dumps({"ports": list(ports)}).encode() + b"\n")
            replies.flush()
        elif kind == "notice":
            warnings.append(str(event["text"]))
        elif kind == "done":
            return
        elif kind is not None:  # the debugger's address, and what else the harness tells
            channel.send(str(kind), **{k: v for k, v in event.items() if k != "event"})


def _sandbox(request: RunRequest, layout: RunDir) -> dict[str, Any] | None:
    """The strict sandbox's folders for the harness to enforce, or None."""
    if request.sandbox != "strict":
        return None
    from azml_lsp.runtime.sandbox import sandbox_folders

    inputs = (request.script, request.dataset1, request.dataset2, request.bundle)
    return sandbox_folders(layout, [p for p in inputs if p])


def _forward_stack_dumps(process: TwinProcess) -> None:
    """The supervisor's stack-dump signal (a timeout) goes on to the twin, which runs the code."""
    with contextlib.suppress(RuntimeError, ValueError):
        faulthandler.unregister(STACK_DUMP_SIGNAL)

    def forward(_signum: int, _frame: object) -> None:
        pid = process.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, STACK_DUMP_SIGNAL)

    signal.signal(STACK_DUMP_SIGNAL, forward)


def _die_like(status: int) -> None:
    """End this process as the twin ended, so the supervisor reports it as it would locally."""
    sys.stdout.flush()
    sys.stderr.flush()
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        faulthandler.disable()
        os.kill(os.getpid(), -status)
    os._exit(status)


def outcome_value(
    request: RunRequest,
    twin: TwinTarget,
    outcome: dict[str, Any],
    result_dir: Path,
    extracted: ExtractedBundle | None,
) -> Any:
    """The value a twin's ``result.json`` (``outcome``) describes, rebuilt here; Stop with error
    0085 (frames named as the user knows them) or the harness's failure."""
    if "value" in outcome:
        from azml_lsp.harness.values import rebuild
        from azml_lsp.runtime.twins.foreign import install_foreign_objects

        install_foreign_objects()
        return rebuild(outcome["value"], str(result_dir))
    if "error" in outcome:
        facts = ExceptionFacts.from_json(outcome["error"])
        shown = extracted.shown_path if extracted is not None else _same
        error = script_error(facts, request.script, PACKAGE_DIR, shown)
        error.detail += f" (ran in the {twin.summary})"
        raise Stop(error)
    facts = ExceptionFacts.from_json(outcome["internal"])
    raise Stop(
        RunError(
            code=int(ErrorCode.SCRIPT_ERROR) if facts.memory else 0,
            kind="memory" if facts.memory else "internal",
            exception=facts.exception,
            message=f"the harness in the {twin.name} twin failed: {facts.exception}: {facts.text}",
            traceback="".join(
                traceback.format_list([astuple(f) for f in facts.frames]) + facts.only
            ),
        )
    )


def _same(path: str) -> str:
    return path
