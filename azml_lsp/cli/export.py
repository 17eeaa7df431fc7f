"""``azml export``: write an Azure ML component or pipeline job that runs a script."""

from __future__ import annotations

from pathlib import Path

import click

from azml_lsp.cli.serve import EXISTING_FILE, dialect_option


@click.command()
@click.argument("script", type=EXISTING_FILE)
@click.option(
    "--to",
    "target",
    type=click.Choice(["component", "pipeline"]),
    default="component",
    show_default=True,
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write (created if needed).",
)
@click.option(
    "--bundle",
    type=click.Path(exists=True, path_type=Path),
    help="Script Bundle: zip or folder (a folder is zipped reproducibly).",
)
@dialect_option
@click.option(
    "--input-type",
    type=click.Choice(["uri_file", "mltable"]),
    default="uri_file",
    show_default=True,
    help="How dataset1/dataset2 reach the job.",
)
@click.option("--name", help="Component name. Default: from the script's file name.")
@click.option("--version", "version", default="1", show_default=True, help="Component version.")
@click.option(
    "--package",
    "packages",
    multiple=True,
    help="Extra pip requirement for the environment (repeatable).",
)
@click.option("--timeout", type=float, help="Seconds the script may run on the compute.")
@click.option(
    "--compute",
    default="cpu-cluster",
    show_default=True,
    help="Pipeline: the compute cluster the job runs on.",
)
@click.option("--dataset1", help="Pipeline: Dataset1, a local file or an azureml: URI.")
@click.option("--dataset2", help="Pipeline: Dataset2, likewise.")
def export(
    script: Path,
    target: str,
    out_dir: Path,
    bundle: Path | None,
    dialect: str,
    input_type: str,
    name: str | None,
    version: str,
    packages: tuple[str, ...],
    timeout: float | None,
    compute: str,
    dataset1: str | None,
    dataset2: str | None,
) -> None:
    """Write an Azure ML (v2) command component (or pipeline job) that runs SCRIPT.

    Submit it with `az ml component create -f OUT/component.yml` or
    `az ml job create -f OUT/pipeline.yml`.
    """
    from azml_lsp.export import ExportError, ExportOptions
    from azml_lsp.export import export as write_export

    datasets = {k: v for k, v in (("dataset1", dataset1), ("dataset2", dataset2)) if v}
    options = ExportOptions(
        script=script,
        out_dir=out_dir,
        target="pipeline" if target == "pipeline" else "component",
        bundle=bundle,
        dialect=dialect,
        input_type="mltable" if input_type == "mltable" else "uri_file",
        name=name,
        version=version,
        packages=list(packages),
        timeout_s=timeout,
        compute=compute,
        datasets=datasets,
    )
    try:
        report = write_export(options)
    except ExportError as exc:
        raise click.UsageError(str(exc)) from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in report.files:
        click.echo(str(path))
