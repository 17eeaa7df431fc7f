"""``azml serve``: serve a script as a request-response web service."""

from __future__ import annotations

from pathlib import Path

import click

from azml_lsp.contract.dialects import DEFAULT_DIALECT, Dialect
from azml_lsp.runtime.model import DEFAULT_MEMORY_MB, MIN_MEMORY_MB
from azml_lsp.serve.config import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_TIMEOUT_S,
    DEFAULT_WORKERS,
    ISOLATIONS,
    ServeConfig,
)
from azml_lsp.serve.schema import SchemaError, TableSchema

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
dialect_option = click.option(
    "--dialect",
    type=click.Choice([d.value for d in Dialect]),
    help=f"Default: the script's declared dialect, else {DEFAULT_DIALECT.value}.",
)


@click.command()
@click.argument("script", type=EXISTING_FILE)
@click.option(
    "--bundle", type=click.Path(exists=True, path_type=Path), help="Script Bundle: zip or folder."
)
@dialect_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback needs --api-key.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Warm worker processes; each runs one request at a time.",
)
@click.option(
    "--isolation",
    type=click.Choice(ISOLATIONS),
    default=None,
    help="request: every request forked from a template that imported the script, so no "
    "module's state carries over, as classic did; reimport: the script imported again for each "
    "request in a warm worker, as the designer does (the modules it imports keep their state); "
    "worker: the script imported once per worker and azureml_main called per request, like an "
    "online endpoint's init()/run(). Default: the script's declared isolation, else the "
    "dialect's (classic: request, designer: reimport; with --python: request).",
)
@click.option(
    "--api-key",
    envvar="AZML_SERVE_API_KEY",
    show_envvar=True,
    help="Require 'Authorization: Bearer KEY' on every call but /health.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    help="Seconds one request may run.",
)
@click.option(
    "--memory-mb",
    type=click.IntRange(MIN_MEMORY_MB),
    default=DEFAULT_MEMORY_MB,
    show_default=True,
    help="Memory cap of one request's process.",
)
@click.option(
    "--max-concurrent",
    type=click.IntRange(1),
    default=DEFAULT_MAX_CONCURRENT,
    show_default=True,
    help="Requests in flight before the service answers 429.",
)
@click.option(
    "--max-body-mb",
    type=click.FloatRange(min=0.001),
    default=DEFAULT_MAX_BODY_BYTES / 2**20,
    show_default=True,
    help="Largest request body accepted.",
)
@click.option(
    "--sample1",
    type=EXISTING_FILE,
    help="A sample of Dataset1 (CSV/TSV/Parquet): input1 must have its columns and types.",
)
@click.option("--sample2", type=EXISTING_FILE, help="Likewise for input2.")
@click.option("--python", "python", help="Interpreter that runs the script (needs pandas).")
@click.option(
    "--env",
    "env",
    help="Where requests run: a cloud twin (azml env list) or 'local'. Default: the script's "
    "declared env, else the dialect's twin when it is created, else local.",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Log method, path and status of each call (never headers or bodies).",
)
def serve(
    script: Path,
    bundle: Path | None,
    dialect: str | None,
    host: str,
    port: int,
    workers: int,
    isolation: str | None,
    api_key: str | None,
    timeout: float,
    memory_mb: int,
    max_concurrent: int,
    max_body_mb: float,
    sample1: Path | None,
    sample2: Path | None,
    python: str | None,
    env: str | None,
    access_log: bool,
) -> None:
    """Serve SCRIPT's azureml_main at POST /score (OpenAPI document at /openapi.json).

    The script runs in worker processes, never in the server: with --isolation request each
    request gets a fresh copy of the imported script (forked); with --isolation reimport each
    request imports the script again in a warm worker; with --isolation worker each worker
    imports it once. In a cloud twin (--env, or the dialect's twin when it is created) the
    worker is a template process in the twin's interpreter.
    The service runs whatever the script does with the request: expose it only to callers you
    trust, and never expose a script that evaluates its input.
    """
    from azml_lsp.cli.run import twin_dialect
    from azml_lsp.serve.config import with_environment
    from azml_lsp.serve.security import check_bind
    from azml_lsp.serve.server import serve_forever
    from azml_lsp.settings import load_settings

    try:
        check_bind(host, api_key)
        declared = load_settings(script).merged(
            bundle=str(bundle) if bundle else None, dialect=dialect, python=python, env=env
        )
        schemas = {
            name: TableSchema.from_file(sample)
            for name, sample in (("input1", sample1), ("input2", sample2))
            if sample is not None
        }
    except (ValueError, SchemaError) as exc:
        raise click.UsageError(str(exc)) from None
    config = ServeConfig(
        script=script.resolve(),
        bundle=Path(declared.bundle).resolve() if declared.bundle else None,
        dialect=Dialect.parse(declared.dialect or twin_dialect(declared.env, script)),
        workers=workers,
        isolation=isolation or declared.isolation,  # type: ignore[arg-type]
        timeout_s=timeout,
        memory_mb=memory_mb,
        max_concurrent=max_concurrent,
        max_body_bytes=int(max_body_mb * 2**20),
        api_key=api_key or None,
        schemas=schemas,
        python=declared.python,
        env=declared.env,
    )
    try:
        config = with_environment(config)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    serve_forever(config, host=host, port=port, access_log=access_log)
