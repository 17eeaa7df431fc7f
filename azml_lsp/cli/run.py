"""``azml run``: run a script like the cloud module, write its outputs, report."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from azml_lsp.runtime.model import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT_S,
    MIN_MEMORY_MB,
    DebugOptions,
    RunRequest,
    RunResult,
)

F = TypeVar("F", bound=Callable[..., Any])

#: Error kinds that mean "the inputs could not be used" (exit 2) rather than "the script failed".
INPUT_ERROR_KINDS = frozenset({"input", "bundle"})


def run_options(func: F) -> F:
    """The options ``run`` and ``debug`` share."""
    options = [
        click.argument("script", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--dataset1", type=click.Path(path_type=Path), help="Input for Dataset1."),
        click.option("--dataset2", type=click.Path(path_type=Path), help="Input for Dataset2."),
        click.option(
            "--bundle", type=click.Path(path_type=Path), help="Script Bundle: zip or folder."
        ),
        click.option(
            "--dialect", type=click.Choice(["classic", "designer"]), help="Default: designer."
        ),
        click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Output folder. Default: azml-out/<script name>.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["csv", "parquet"]),
            default="csv",
            show_default=True,
            help="Format of the result tables.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the result)."),
        click.option(
            "--timeout",
            type=float,
            help=f"Seconds before the run is stopped [default: {DEFAULT_TIMEOUT_S:g}].",
        ),
        click.option(
            "--memory-mb",
            type=click.IntRange(MIN_MEMORY_MB),
            help=f"Memory cap of the script's process [default: {DEFAULT_MEMORY_MB}].",
        ),
        click.option(
            "--sandbox",
            type=click.Choice(["off", "strict"]),
            help="strict: emulate the classic sandbox (no network, no writes outside the working directory).",
        ),
        click.option("--keep-workdir", is_flag=True, help="Keep the temporary working directory."),
        click.option("--python", "python", help="Interpreter that runs the script (needs pandas)."),
        click.option(
            "--env",
            "env",
            help="Where the script runs: a cloud twin (azml env list) or 'local'. Default: the "
            "dialect's twin when it is created, else local.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_request(
    script: Path,
    *,
    dataset1: Path | None,
    dataset2: Path | None,
    bundle: Path | None,
    dialect: str | None,
    out_dir: Path | None,
    fmt: str,
    timeout: float | None,
    memory_mb: int | None,
    sandbox: str | None,
    keep_workdir: bool,
    python: str | None,
    env: str | None = None,
    debug: DebugOptions | None = None,
) -> RunRequest:
    """Merge the command line with the script's declared settings (the command line wins)."""
    from azml_lsp.settings import load_settings

    try:
        declared = load_settings(script)
    except FileNotFoundError:
        raise click.UsageError(f"{script}: script not found") from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    settings = declared.merged(
        dataset1=_text(dataset1),
        dataset2=_text(dataset2),
        bundle=_text(bundle),
        dialect=dialect,
        timeout=timeout,
        sandbox=sandbox,
        python=python,
        env=env,
    )
    default_timeout = None if debug is not None else DEFAULT_TIMEOUT_S
    return RunRequest(
        script=str(script),
        dataset1=settings.dataset1,
        dataset2=settings.dataset2,
        bundle=settings.bundle,
        dialect=settings.dialect or twin_dialect(settings.env, script) or "designer",
        out_dir=str(out_dir or Path("azml-out") / script.stem),
        format="parquet" if fmt == "parquet" else "csv",
        timeout_s=settings.timeout if settings.timeout is not None else default_timeout,
        memory_mb=memory_mb or DEFAULT_MEMORY_MB,
        sandbox="strict" if settings.sandbox == "strict" else "off",
        keep_workdir=keep_workdir,
        python=settings.python,
        env=settings.env,
        target_python=settings.target_python,
        debug=debug,
    )


def twin_dialect(env: str | None, script: Path) -> str | None:
    """The dialect of the twin ``env`` names (None for none or ``local``): a script that names
    only its twin runs with that twin's dialect, as ``azml check`` checks it."""
    from azml_lsp.contract.twins import LOCAL

    if env is None or env == LOCAL:
        return None
    from azml_lsp.envs.errors import EnvError
    from azml_lsp.envs.specs import spec_of

    try:
        return spec_of(env, script.resolve().parent).dialect.value
    except EnvError as exc:
        raise click.UsageError(str(exc)) from None


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def exit_code(result: RunResult) -> int:
    """0 success, 1 the script failed, 2 the inputs could not be used."""
    if result.ok:
        return 0
    assert result.error is not None
    return 2 if result.error.kind in INPUT_ERROR_KINDS else 1


def _announce_debugger(event: dict[str, Any]) -> None:
    """With --json, stdout carries only the result: say where the debugger listens on stderr."""
    if event.get("event") == "debug_listening":
        sys.stderr.write(json.dumps(event) + "\n")
        sys.stderr.flush()


def execute_and_report(request: RunRequest, as_json: bool) -> None:
    """Run, print the result (JSON or a summary) and exit with the run's status."""
    from azml_lsp.runtime import run
    from azml_lsp.runtime.processes import prestart

    worker = prestart.take()
    execute = worker.run if worker is not None else run
    try:
        if as_json:
            result = execute(request, on_event=_announce_debugger)
            sys.stdout.write(json.dumps(result.to_json(), default=str) + "\n")
        else:
            from rich.console import Console

            from azml_lsp.cli.progress import RunProgress
            from azml_lsp.cli.summary import print_summary

            with RunProgress(Console(stderr=True)) as progress:
                result = execute(request, on_event=progress.handle)
            print_summary(result, Console())
    finally:
        from azml_lsp.runtime.twins.zygotes import stop_all

        stop_all()  # this command's one run is over: the twin's teardown overlaps the worker's
        if worker is not None:
            worker.abandon()
    sys.exit(exit_code(result))


@click.command()
@run_options
def run(script: Path, as_json: bool, **options: Any) -> None:
    """Run SCRIPT like the Execute Python Script module and write its outputs.

    Inputs, bundle and dialect may also be declared in the script (`# azml: dataset1=... `) or
    in pyproject.toml under [tool.azml]; options given here win. Exit status: 0 success, 1 the
    script failed, 2 bad usage or unreadable inputs.
    """
    execute_and_report(build_request(script, **options), as_json)
