"""A script host whose requests run in a cloud twin: the host (this interpreter) keeps the
contract's side, a request template in the twin's interpreter keeps the script.

The host extracts the Script Bundle, starts the template (:mod:`azml_lsp.serve.twin_template`)
on it and learns the parameters of ``azureml_main``. Per request it parses the JSON, applies the
dialect's input rules, chooses the ports to pass (``contract.call_arguments``), writes the
frames in the exchange format and has the template make the call: in a forked child (request
isolation), or itself (reimport isolation runs the script's code again first; worker isolation
does not). The call's described value is rebuilt here and goes through the return contract and
rendering exactly as a run in the twin does (:func:`azml_lsp.runtime.twins.call.outcome_value`);
an exception crosses as facts and becomes error 0085 with the script's line. A template that
dies, or is killed to stop a call it makes itself, is started again after the answer, so the
next request finds one.
"""

from __future__ import annotations

import json
import socket
import tempfile
from pathlib import Path
from typing import Any

from azml_lsp.serve.host_main import (
    OUTPUT_FILE,
    STACK_FILE,
    Answer,
    ScriptHost,
    cancelled_error,
    crash_error,
    dumped_line,
    error_answer,
    failure,
    read_output,
    timeout_error,
)
from azml_lsp.serve.twin_template import TIMED_OUT, TemplateGone, TwinTemplate

#: How long the template may take to import pandas and the script in the twin.
TEMPLATE_START_S = 120.0


class TwinScriptHost(ScriptHost):
    """The host of a script served in the twin ``setup["twin"]`` (every isolation)."""

    def __init__(self, setup: dict[str, Any], server: socket.socket) -> None:
        from azml_lsp.runtime.model import TwinTarget

        super().__init__(setup, server)
        self.twin = TwinTarget(**setup["twin"])
        self.template: TwinTemplate | None = None
        self.search_path: list[str] = []

    def prepare(self) -> None:
        """Import the contract's side, extract the bundle, start the template in the twin."""
        import pandas  # noqa: F401

        import azml_lsp.contract.inputs
        import azml_lsp.contract.returns
        import azml_lsp.runtime.twins.call
        import azml_lsp.serve.errors
        import azml_lsp.serve.shapes  # noqa: F401

        try:
            self.search_path = self._search_path()
        except Exception as exc:  # a bundle that cannot be extracted: every call reports it
            self.import_error = failure("bundle", str(exc))
            return
        self._start_template()  # a template that cannot start is tried again by each call

    def _start_template(self) -> Any:
        """Start the template and learn the entry point's parameters; the error when it could
        not start (an import error of the script is also kept as every call's answer)."""
        from azml_lsp.contract import ParameterShape
        from azml_lsp.contract.profile import SCRIPT_MODULE_PREFIX

        spec = {
            "script": self.script,
            "copy": self.script,
            "module": SCRIPT_MODULE_PREFIX + "served",
            "sys_path_append": self.search_path,
            "python2_path_append": self.extracted.python2_paths() if self.extracted else [],
            "import_cwd": str(self.work),
            "work": str(self.base),
            "isolation": self.isolation,
        }
        try:
            template = TwinTemplate(self.twin, spec, self.base, int(self.setup["max_processes"]))
        except OSError as exc:
            return failure("internal", f"the {self.twin.name} twin could not be started: {exc}")
        try:
            event = template.ready(TEMPLATE_START_S)
        except TemplateGone as exc:
            template.close()
            log = self.base / "template.log"
            said = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            return failure(
                "internal", f"the request template in the {self.twin.name} twin: {exc}\n{said}"
            )
        if event.get("event") == "failed":
            template.close()
            self.import_error = self._twin_error({"error": event["error"]})
            return self.import_error
        facts = event.get("shape")
        self.shape = ParameterShape(**facts) if facts else ParameterShape(positional=2)
        self.template = template
        self.import_error = None
        return None

    def call(self, body: bytes) -> Answer | bytes:
        """Answer one request through the template (never raises)."""
        self.output = ""
        # reimport: a failed import is tried again by the next call (a new template imports)
        retried = self.isolation == "reimport" and bool(self.search_path)
        if self.import_error is not None and not retried:
            return error_answer(self.import_error)
        parsed = self.parse(body)
        return parsed if isinstance(parsed, tuple) else self._call_in_child(parsed)

    def _call_in_child(self, parsed: Any) -> Answer | bytes:
        """Have the template make the call (in a child it forks, or itself); its answer, or why
        it has none."""
        call_dir, workdir = self.staged or self._stage_call()
        self.staged = None
        self.finished_calls.append(call_dir)
        if self.template is None and (error := self._start_template()) is not None:
            return error_answer(error)
        assert self.template is not None
        in_process = self.template.in_process
        try:
            order = self._order(parsed, call_dir, workdir)
        except Exception as exc:
            return error_answer(failure("input", f"the request's tables cannot be passed: {exc}"))
        try:
            end = self.template.call(order, self.timeout_s, self.server)
        except TemplateGone as exc:
            self.template.close()
            self.template = None  # started again after the answer
            self.output = read_output(call_dir / OUTPUT_FILE)
            return error_answer(
                crash_error(exc.status) if in_process else template_died(exc.status)
            )
        if self.template.closed:  # killed to stop the call it made itself
            self.template = None
        self.output = read_output(call_dir / OUTPUT_FILE)
        if end.how == TIMED_OUT:
            line = dumped_line(call_dir / STACK_FILE, self.script)
            return error_answer(timeout_error(self.timeout_s, line))
        if end.how != "ended":
            return error_answer(cancelled_error())
        outcome_file = call_dir / "result" / "result.json"
        if not outcome_file.exists():
            return error_answer(crash_error(end.status))
        try:
            outcome = json.loads(outcome_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return error_answer(failure("internal", f"the call's result cannot be read: {exc}"))
        return self._answer_outcome(parsed, outcome, call_dir / "result")

    def _order(self, parsed: Any, call_dir: Path, workdir: Path) -> dict[str, Any]:
        """The call for the template: the request's frames under the input rules, written in
        the exchange format, and the ports the contract passes them to."""
        from azml_lsp.contract import call_arguments
        from azml_lsp.contract.inputs import prepare_input_frame
        from azml_lsp.runtime.twins.call import write_inputs
        from azml_lsp.serve.shapes import INPUT_NAMES

        frames = [parsed.frames.get(name) for name in INPUT_NAMES]
        ready = [None if f is None else prepare_input_frame(self.dialect, f) for f in frames]
        connected = [None if f is None else port for port, f in enumerate(ready, start=1)]
        (call_dir / "result").mkdir()
        (call_dir / OUTPUT_FILE).touch()
        return {
            "inputs": write_inputs(call_dir, ready),
            "ports": list(call_arguments(self.dialect, self.shape, connected)),
            "work": str(workdir),
            "result": str(call_dir / "result"),
            "output": str(call_dir / OUTPUT_FILE),
            "stack_file": str(call_dir / STACK_FILE),
            "rlimits": self._rlimits(),
        }

    def _rlimits(self) -> dict[str, list[int]]:
        """The call's soft limits: memory, and processes where the template has no pids group."""
        import resource

        from azml_lsp.runtime.processes.forkguard import process_cap

        limits: dict[str, list[int]] = {}
        memory_mb = self.setup.get("memory_mb")
        if memory_mb:
            limits["AS"] = [int(memory_mb) * 1024 * 1024, resource.RLIM_INFINITY]
        assert self.template is not None
        if not self.template.caged:
            cap = process_cap(int(self.setup["max_processes"]))
            if cap is not None:
                limits["NPROC"] = [cap, resource.RLIM_INFINITY]
        return limits

    def _answer_outcome(self, parsed: Any, outcome: dict[str, Any], result_dir: Path) -> Answer:
        """The answer to a call whose child wrote ``outcome``: the rebuilt value through the
        return contract and rendering, or its error."""
        from azml_lsp.runtime.stop import Stop
        from azml_lsp.serve.host_main import tables_reply

        try:
            value = self._rebuilt(outcome, result_dir)
        except Stop as stop:
            return error_answer(stop.error)
        return self.answer_for(parsed, tables_reply(self.dialect, value))

    def _rebuilt(self, outcome: dict[str, Any], result_dir: Path) -> Any:
        from azml_lsp.runtime.model import RunRequest
        from azml_lsp.runtime.twins.call import outcome_value

        request = RunRequest(script=self.script)
        return outcome_value(request, self.twin, outcome, result_dir, self.extracted)

    def _twin_error(self, outcome: dict[str, Any]) -> Any:
        """The error an outcome holding an exception's facts stands for."""
        from azml_lsp.runtime.stop import Stop

        try:
            self._rebuilt(outcome, self.base)
        except Stop as stop:
            return stop.error
        raise AssertionError("an outcome with an error rebuilt a value")

    def _stage_call(self) -> tuple[Path, Path]:
        """A call's folder; its working directory is its own (request isolation, as a run's) or
        the host's one, shared like the module state (a template that makes calls itself)."""
        if self.isolation == "request":
            return super()._stage_call()
        self._make_workdir()  # a call may have deleted it
        return Path(tempfile.mkdtemp(prefix="call-", dir=self.base)), self.work

    def tidy(self) -> None:
        """After the answer: start a template that died again, remove answered calls' folders
        and stage the next call's."""
        if self.template is None and self.import_error is None:
            self._start_template()
        super().tidy()

    def close(self) -> None:
        if self.template is not None:
            self.template.close()
            self.template = None


def template_died(status: int | None) -> Any:
    """Why a call has no answer when the template it was forked from died during it."""
    import signal

    from azml_lsp.contract import ErrorCode
    from azml_lsp.runtime.model import RunError

    if status is not None and status < 0:
        how = f"killed by {signal.Signals(-status).name}"
    else:
        how = f"exit status {status}" if status is not None else "no exit status"
    return RunError(
        code=int(ErrorCode.SCRIPT_ERROR),
        kind="crash",
        message=(
            f"The request template in the twin, the process the script's call was forked from, "
            f"ended during the call ({how}), and the call with it; the next request gets a new "
            "template."
        ),
    )
