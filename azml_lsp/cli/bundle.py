"""``azml bundle DIR -o bundle.zip``: build a reproducible Script Bundle."""

from __future__ import annotations

from pathlib import Path

import click

from azml_lsp.bundles import BuildReport, BundleError, build_bundle

USAGE_ERROR = 2


@click.command(short_help="Build a reproducible Script Bundle zip.")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The zip to write (replaced atomically).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Leave out matching files or folders; a GLOB with '/' matches the path from "
    "DIRECTORY. Repeatable.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every entry written.")
def bundle(directory: Path, output: Path, exclude: tuple[str, ...], verbose: bool) -> None:
    """Zip the contents of DIRECTORY into a Script Bundle.

    The zip is reproducible (sorted entries, fixed timestamps and permissions), leaves out
    caches (__pycache__, *.pyc, tool caches), version-control folders and .DS_Store, and refuses
    links that leave DIRECTORY. Warnings name native extensions, modules that an installed
    module of the same name would hide, and names Windows cannot create.

    \b
    Example:
      azml bundle src -o bundle.zip --exclude '*.csv' --exclude tests
    """
    try:
        report = build_bundle(directory, output, exclude=list(exclude))
    except BundleError as exc:
        click.echo(f"azml bundle: {exc}", err=True)
        raise SystemExit(USAGE_ERROR) from None
    _print_report(report, verbose)


def _print_report(report: BuildReport, verbose: bool) -> None:
    files = sum(not name.endswith("/") for name in report.entries)
    click.echo(
        f"wrote {report.out}: {len(report.entries)} entries ({files} files), "
        f"{report.size} bytes ({report.uncompressed} uncompressed), sha256 {report.sha256}"
    )
    if verbose:
        for name in report.entries:
            click.echo(f"  {name}")
    modules = ", ".join(sorted(report.modules.modules)) or "(none)"
    click.echo(f"importable modules: {modules}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
