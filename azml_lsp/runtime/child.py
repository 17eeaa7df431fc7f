"""The child side of a run: load inputs, extract the bundle, import the script, call it, write.

Runs in a process of its own (``python -m azml_lsp.runtime.child CONTROL_DIR EVENT_FD``, or a
process forked by the warm worker). It reports on an :class:`EventChannel` and ends with one
``result`` event; the parent turns a missing result into a structured crash error.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
import types
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azml_lsp.contract import ENTRY_POINT, Dialect, ErrorCode, ParameterShape, call_arguments
from azml_lsp.contract.profile import BUNDLE_DIR_NAME, PROFILES, SCRIPT_MODULE_PREFIX
from azml_lsp.runtime.events import RESULT_EVENT, STAGES, EventChannel
from azml_lsp.runtime.model import OutputTable, RunError, RunRequest
from azml_lsp.runtime.rundir import RunDir
from azml_lsp.runtime.stop import Stop, return_error
from azml_lsp.runtime.tracebacks import PACKAGE_DIR, ExceptionFacts, script_error

if TYPE_CHECKING:
    from azml_lsp.bundles import ExtractedBundle
    from azml_lsp.runtime.inputs.text_twins import TextTwins


def execute(request: RunRequest, layout: RunDir, channel: EventChannel) -> dict[str, Any]:
    """Run one request in this process and return the result payload (never raises)."""
    started = time.perf_counter()
    dialect = Dialect.parse(request.dialect)
    payload: dict[str, Any] = {"outputs": [], "images": [], "warnings": [], "error": None}
    from azml_lsp.runtime.inputs.text_twins import TextTwins

    twins = TextTwins()
    try:
        frames = _load_inputs(request, dialect, channel, twins)
        extracted = _extract_bundle(request, layout, channel, payload["warnings"])
        if request.twin is None:
            _activate_bundle(layout, extracted)
            value = _import_and_call(request, dialect, layout, frames, channel)
        else:
            from azml_lsp.runtime.twins.call import call_in_twin

            value = call_in_twin(
                request, dialect, layout, frames, extracted, channel, payload["warnings"]
            )
        channel.stage("convert")
        tables = _convert(dialect, value, payload["warnings"])
        channel.stage("write")
        _write(request, dialect, layout, tables, payload, twins)
    except Stop as stop:
        payload["error"] = _error_json(stop.error)
    except MemoryError as exc:  # outside user code: the cap is too small for the work itself
        payload["error"] = _error_json(
            RunError(
                code=0,
                kind="memory",
                exception=type(exc).__name__,
                message=(
                    f"the run ran out of memory while {STAGES[channel.current]} "
                    f"(memory cap {request.memory_mb} MB): raise --memory-mb"
                ),
                traceback="".join(traceback.format_exception(exc)),
            )
        )
    except BaseException as exc:  # a fault of the runtime itself: still a structured answer
        payload["error"] = _error_json(
            RunError(
                code=0,
                kind="internal",
                exception=type(exc).__name__,
                message=f"azml-lsp failed while running the script: {type(exc).__name__}: {exc}",
                traceback="".join(traceback.format_exception(exc)),
            )
        )
    payload["child_duration_s"] = time.perf_counter() - started
    payload["environment"] = request.twin.summary if request.twin else _local_environment()
    return payload


def _local_environment() -> str:
    """Where a local run happens, in words: ``local: Python 3.11.7, pandas 3.1.1``."""
    import platform

    pandas = sys.modules.get("pandas")
    version = getattr(pandas, "__version__", None)
    return f"local: Python {platform.python_version()}" + (f", pandas {version}" if version else "")


def _error_json(error: RunError) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(error)


def _load_inputs(
    request: RunRequest, dialect: Dialect, channel: EventChannel, twins: TextTwins
) -> list[Any]:
    from azml_lsp.runtime.inputs import (
        InputError,
        load_dataset,
        out_of_memory,
        too_big_message,
    )

    frames: list[Any] = []
    for port, path in enumerate((request.dataset1, request.dataset2), start=1):
        if path is None:
            frames.append(None)
            continue
        channel.stage("read")

        read = [0]

        def report(done: int, total: int, port: int = port, read: list[int] = read) -> None:
            read[0] = done
            channel.send("progress", port=port, done=done, total=total)

        try:
            frames.append(load_dataset(path, dialect, progress=report, twins=twins))
        except InputError as exc:
            raise Stop(RunError(code=0, kind="input", message=str(exc), detail=str(exc))) from None
        except Exception as exc:
            if not out_of_memory(exc):
                raise
            frames.clear()
            message = too_big_message(path, read[0], request.memory_mb)
            raise Stop(RunError(code=0, kind="input", message=message, detail=message)) from None
    return frames


def _extract_bundle(
    request: RunRequest, layout: RunDir, channel: EventChannel, warnings: list[str]
) -> ExtractedBundle | None:
    """Extract the Script Bundle into the working directory (None: the run has no bundle)."""
    if request.bundle is None:
        return None
    channel.stage("bundle")
    from azml_lsp.bundles import BundleError, BundleLimits, extract_bundle

    limits = BundleLimits(
        max_bytes=request.bundle_max_bytes,
        max_entries=request.bundle_max_entries,
        max_ratio=request.bundle_max_ratio,
    )
    try:
        extracted = extract_bundle(request.bundle, layout.work / BUNDLE_DIR_NAME, limits)
    except BundleError as exc:
        code = exc.code if exc.code is not None else 0
        raise Stop(RunError(code=code, kind="bundle", message=str(exc), detail=str(exc))) from None
    warnings.extend(extracted.warnings)
    return extracted


def _activate_bundle(layout: RunDir, extracted: ExtractedBundle | None) -> None:
    """Put the working directory and the bundle on this process's ``sys.path`` (and nothing of
    where the process started), with bundle frames named after their sources."""
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
    sys.path.extend(layout.search_path(extracted))
    if extracted is not None:
        from azml_lsp.bundles import install_source_mapping

        install_source_mapping(extracted)


def _import_and_call(
    request: RunRequest,
    dialect: Dialect,
    layout: RunDir,
    frames: list[Any],
    channel: EventChannel,
) -> Any:
    """Import the script as ``user_script_<hex>`` and call ``azureml_main`` in the working dir."""
    script = Path(request.script)
    try:
        source = script.read_bytes()
    except OSError as exc:
        raise Stop(
            RunError(code=0, kind="input", message=f"{script}: cannot read the script: {exc}")
        ) from None
    name = SCRIPT_MODULE_PREFIX + uuid.uuid4().hex
    copy = layout.work / f"{name}.py"
    copy.write_bytes(source)
    module = types.ModuleType(name)
    module.__file__ = str(copy)
    from azml_lsp.runtime.processes.limits import await_process_cap

    await_process_cap()
    if request.sandbox == "strict":
        from azml_lsp.runtime.sandbox import install_sandbox

        inputs = (request.script, request.dataset1, request.dataset2, request.bundle)
        install_sandbox(layout, readable=[p for p in inputs if p])
    channel.stage("import")
    os.chdir(layout.process_cwd)
    try:
        code = compile(source, str(script), "exec", dont_inherit=True)
        sys.modules[name] = module
        exec(code, module.__dict__)
        entry = getattr(module, ENTRY_POINT)
    except BaseException as exc:
        raise Stop(script_error(ExceptionFacts.of(exc), request.script, PACKAGE_DIR)) from None
    try:
        shape = ParameterShape.of(entry)
    except (TypeError, ValueError):
        shape = ParameterShape(positional=2)
    args = call_arguments(dialect, shape, frames)
    channel.stage("call")
    os.chdir(layout.work)
    try:
        return entry(*args)
    except BaseException as exc:
        raise Stop(script_error(ExceptionFacts.of(exc), request.script, PACKAGE_DIR)) from None
    finally:
        os.chdir(layout.process_cwd)
        if request.sandbox == "strict":
            from azml_lsp.runtime.sandbox import lift_sandbox

            lift_sandbox()


def _convert(dialect: Dialect, value: Any, warnings: list[str]) -> list[Any]:
    """Spread and convert the returned value into finished tables (None: empty port)."""
    from azml_lsp.contract.returns import ReturnContractError, result_tables

    try:
        tables, notes = result_tables(dialect, value)
    except ReturnContractError as exc:
        raise Stop(return_error(exc)) from None
    warnings.extend(notes)
    return tables


def _write(
    request: RunRequest,
    dialect: Dialect,
    layout: RunDir,
    tables: list[Any],
    payload: dict[str, Any],
    twins: TextTwins,
) -> None:
    """Write the result tables and images (atomically) and fill the payload's previews."""
    from azml_lsp.runtime.outputs import (
        OutputError,
        collect_images,
        preview,
        remove_stale,
        write_table,
    )

    out_dir = Path(request.out_dir) if request.out_dir else None
    written: set[Path] = set()
    try:
        for port, table in enumerate(tables, start=1):
            if table is None:
                continue
            path = ""
            if out_dir is not None:
                out_dir.mkdir(parents=True, exist_ok=True)
                target = layout.output_path(port, request.format)
                write_table(table, target, request.format, twins)
                written.add(target)
                path = str(target)
            dtypes, head = preview(table)
            payload["outputs"].append(
                OutputTable(
                    port=port,
                    path=path,
                    rows=len(table),
                    columns=[str(c) for c in table.columns],
                    dtypes=dtypes,
                    head=head,
                ).__dict__
            )
    except OutputError as exc:
        raise Stop(
            RunError(code=int(ErrorCode.OUTPUT_INVALID), kind="output", message=str(exc))
        ) from None
    if out_dir is None:
        return
    images = collect_images(layout.work, layout.images_dir) if layout.work.exists() else []
    written.update(Path(p) for p in images)
    payload["images"] = images
    if images and PROFILES[dialect].png_outputs == "deleted":
        payload["warnings"].append(
            f"{len(images)} PNG file(s) were collected locally, but the designer deletes PNGs left "
            "in its working directory: upload images with Run.get_context().upload_file(...)"
        )
    remove_stale(out_dir, written)


def main(argv: list[str]) -> int:
    """``python -m azml_lsp.runtime.child CONTROL_DIR EVENT_FD PARENT_PID``."""
    layout, request = RunDir.open(Path(argv[0]))
    channel = EventChannel(int(argv[1]))
    prepare_process(request, layout, int(argv[2]))
    channel.stage("start")
    payload = run_in_this_process(request, layout, channel)
    channel.send(RESULT_EVENT, result=payload)
    channel.close()
    return 0


def prepare_process(
    request: RunRequest, layout: RunDir, parent: int, cap_report: int | None = None
) -> None:
    """Per-process setup shared by the one-shot child and the warm worker's forked children
    (``cap_report``: the parent caps the processes meanwhile, see ``limits.apply_limits``)."""
    from azml_lsp.runtime.processes.limits import apply_limits

    apply_limits(request, layout, parent, cap_report)


def run_in_this_process(
    request: RunRequest, layout: RunDir, channel: EventChannel
) -> dict[str, Any]:
    """Attach the debugger when asked (in a twin, the twin's own debugger), then execute."""
    if request.debug is None or request.twin is not None:
        return execute(request, layout, channel)
    from azml_lsp.runtime.debugging import end_debug_session, listen_and_wait
    from azml_lsp.runtime.processes.limits import await_process_cap

    await_process_cap()  # the debugger's adapter process belongs to the run
    listen_and_wait(request.debug, channel)
    try:
        return execute(request, layout, channel)
    finally:
        end_debug_session()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
