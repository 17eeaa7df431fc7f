"""``azml compare``: run a script in two environments and compare its outputs port by port."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from azml_lsp.compare.tables import DEFAULT_ATOL, DEFAULT_RTOL

if TYPE_CHECKING:
    from azml_lsp.compare.runs import Comparison
    from azml_lsp.runtime.model import RunRequest

F = TypeVar("F", bound=Callable[..., Any])


def run_comparison_options(command: F) -> F:
    """``--rtol``, ``--atol`` and ``--timeout``: how two runs are made and compared."""
    for option in (
        click.option("--timeout", type=float, help="Seconds before each run is stopped."),
        click.option(
            "--atol", type=float, default=DEFAULT_ATOL, show_default=True, help="Float atol."
        ),
        click.option(
            "--rtol", type=float, default=DEFAULT_RTOL, show_default=True, help="Float rtol."
        ),
    ):
        command = option(command)
    return command


def echo_verdict(comparison: Comparison, request: RunRequest, page: Path, summary: Path) -> None:
    """The verdict, a hint when runs without any input failed, and where the report is."""
    from azml_lsp.compare.report import verdict

    click.echo(verdict(comparison))
    if not comparison.runs_ok and not (request.dataset1 or request.dataset2):
        click.echo(
            "hint: no input was given: --dataset1 FILE (or dataset1=FILE in the script's "
            "`# azml:` header)"
        )
    click.echo(f"report: {page}\nsummary: {summary}")


@click.command()
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--env",
    "envs",
    multiple=True,
    required=True,
    help="An environment to run in (a twin's name or local); give it twice.",
)
@click.option("--dataset1", type=click.Path(path_type=Path), help="Input for Dataset1.")
@click.option("--dataset2", type=click.Path(path_type=Path), help="Input for Dataset2.")
@click.option("--bundle", type=click.Path(path_type=Path), help="Script Bundle: zip or folder.")
@click.option("--dialect", type=click.Choice(["classic", "designer"]), help="Default: designer.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for both runs' outputs and the comparison. Default: azml-out/compare-<script>.",
)
@run_comparison_options
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as one JSON object.")
def compare(
    script: Path,
    envs: tuple[str, ...],
    dataset1: Path | None,
    dataset2: Path | None,
    bundle: Path | None,
    dialect: str | None,
    out_dir: Path | None,
    rtol: float,
    atol: float,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Run SCRIPT in two environments (--env A --env B) and compare its outputs: column names,
    dtypes by kind, row count and order, values (floats within --rtol/--atol).

    Writes compare.html (side by side, differing cells highlighted) and compare.json. Exit
    status: 0 equal, 1 different, 2 a run failed or bad usage.
    """
    from azml_lsp.cli.run import build_request
    from azml_lsp.compare.report import write_comparison
    from azml_lsp.compare.runs import compare_runs, preflight
    from azml_lsp.runtime.runner import RequestError

    if len(envs) != 2:
        raise click.UsageError(
            f"give --env exactly twice (got {len(envs)}): e.g. --env classic-py27 --env local"
        )
    folder = out_dir or Path("azml-out") / f"compare-{script.stem}"
    request = build_request(
        script,
        dataset1=dataset1,
        dataset2=dataset2,
        bundle=bundle,
        dialect=dialect,
        out_dir=folder,
        fmt="parquet",
        timeout=timeout,
        memory_mb=None,
        sandbox=None,
        keep_workdir=False,
        python=None,
        env=envs[0],
    )
    try:
        preflight((request, replace(request, env=envs[1])))
    except RequestError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    comparison = compare_runs(request, (envs[0], envs[1]), folder, rtol, atol)
    page, summary = write_comparison(comparison, folder)
    if as_json:
        sys.stdout.write(json.dumps(comparison.to_json(), default=str) + "\n")
    else:
        echo_verdict(comparison, request, page, summary)
    sys.exit(0 if comparison.equal else 1 if comparison.runs_ok else 2)
