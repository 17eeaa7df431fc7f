"""Run a request in a fresh child process: the one entry point every caller shares."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azml_lsp.contract import Dialect
from azml_lsp.contract.twins import LOCAL, default_twin
from azml_lsp.runtime.model import MIN_MEMORY_MB, RunError, RunRequest, RunResult, TwinTarget
from azml_lsp.runtime.processes.oneshot import spawn_oneshot
from azml_lsp.runtime.processes.supervisor import ChildHandle, supervise
from azml_lsp.runtime.rundir import RunDir

if TYPE_CHECKING:
    from azml_lsp.envs.store import InstalledTwin

EventHandler = Callable[[dict[str, Any]], None]


class RequestError(ValueError):
    """A request that cannot start: a missing script, dataset or bundle, an unknown dialect."""


def prepare_request(request: RunRequest) -> RunRequest:
    """Absolute paths and a cheap check of every file named; raises :class:`RequestError`."""
    try:
        dialect = Dialect.parse(request.dialect)
    except ValueError as exc:
        raise RequestError(str(exc)) from None
    if request.memory_mb is not None and request.memory_mb < MIN_MEMORY_MB:
        raise RequestError(
            f"memory cap {request.memory_mb} MB: too small to start Python with pandas; "
            f"give at least {MIN_MEMORY_MB} MB (--memory-mb)"
        )
    script = _absolute(request.script)
    assert script is not None
    if not os.path.isfile(script):
        raise RequestError(f"{script}: script not found: give the path of a .py file")
    datasets = [_absolute(request.dataset1), _absolute(request.dataset2)]
    for port, path in enumerate(datasets, start=1):
        if path is not None:
            from azml_lsp.runtime.inputs import InputError, check_readable

            try:
                check_readable(path)
            except InputError as exc:
                raise RequestError(f"--dataset{port}: {exc}") from None
    bundle = _absolute(request.bundle)
    if bundle is not None and not os.path.exists(bundle):
        raise RequestError(f"{bundle}: Script Bundle not found: give a .zip file or a folder")
    twin, note = resolve_environment(request, dialect, Path(script).parent)
    return replace(
        request,
        twin=twin,
        environment_note=note,
        script=script,
        dataset1=datasets[0],
        dataset2=datasets[1],
        bundle=bundle,
        dialect=dialect.value,
        out_dir=_absolute(request.out_dir),
    )


def resolve_environment(
    request: RunRequest, dialect: Dialect, project_dir: Path
) -> tuple[TwinTarget | None, str]:
    """The twin a request runs in (None: this interpreter) and a line for the user, if any.

    ``env`` names a twin or ``local``; unset, ``$AZML_ENV`` decides, else the dialect's default
    twin (or its twin of the declared target Python) runs the script when it is created, and
    the run stays local with a line on how to create it."""
    name = request.env or os.environ.get("AZML_ENV") or None
    if request.python is not None:
        if request.env not in (None, LOCAL):
            raise RequestError("give either --python or --env, not both")
        return None, ""
    if name == LOCAL:
        return None, ""
    from azml_lsp.envs.errors import EnvError
    from azml_lsp.envs.specs import spec_of
    from azml_lsp.envs.store import installed

    if name is None:
        default = default_twin(dialect, request.target_python)
        found = installed(default) if default else None
        if found is not None:
            return _target(found), ""
        if default is None:
            return None, ""
        return None, (
            f"ran locally, not in a cloud twin: `azml env create {default}` rebuilds the "
            f"cloud's Python and packages for {dialect.value} scripts"
        )
    try:
        spec_of(name, project_dir)
    except EnvError as exc:
        raise RequestError(str(exc)) from None
    found = installed(name)
    if found is None:
        raise RequestError(
            f"the {name} twin is not created yet: run `azml env create {name}` (or --env local)"
        )
    return _target(found), ""


def _target(found: InstalledTwin) -> TwinTarget:
    return TwinTarget(
        name=found.name, python=found.python, site=found.site, summary=found.summary()
    )


def _absolute(path: str | None) -> str | None:
    return None if path is None else str(Path(path).expanduser().resolve())


def request_error_result(request: RunRequest, error: RequestError) -> RunResult:
    """The result of a request that could not start."""
    return RunResult(
        ok=False,
        dialect=request.dialect,
        script=request.script,
        error=RunError(code=0, kind="input", message=str(error), detail=str(error)),
    )


Spawner = Callable[[RunRequest, RunDir, int], ChildHandle]
"""Starts a run's child for a prepared request and its folder, given the event pipe's fd."""


def run_with(
    spawn: Spawner,
    request: RunRequest,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Prepare ``request``, start its child with ``spawn``, watch it, clean up, report."""
    try:
        request = prepare_request(request)
    except RequestError as exc:
        return request_error_result(request, exc)
    from azml_lsp.runtime.twins.zygotes import with_warm_twin

    request = with_warm_twin(request)
    rundir = RunDir.create(request)
    try:
        result = supervise(request, rundir, spawn, on_event, cancel)
    finally:
        rundir.release(keep=request.keep_workdir)
    return finish(request, result)


def run(
    request: RunRequest,
    on_event: EventHandler | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Run ``request`` in a fresh child process and return its structured result."""
    return run_with(spawn_oneshot, request, on_event, cancel)


def finish(request: RunRequest, result: RunResult) -> RunResult:
    """Write the report and log beside the outputs, when there is an output folder."""
    if request.out_dir is None:
        return result
    from azml_lsp.runtime.outputs.report import write_report

    Path(request.out_dir).mkdir(parents=True, exist_ok=True)
    report, log = write_report(result, Path(request.out_dir))
    result.report, result.log = str(report), str(log)
    return result
