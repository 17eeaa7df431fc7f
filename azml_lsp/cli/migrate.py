"""``azml migrate``: rewrite a script (and its bundle's modules) for a newer runtime."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from azml_lsp.cli.compare import echo_verdict, run_comparison_options
from azml_lsp.migrate.files import MigratedFile
from azml_lsp.migrate.model import Target


@click.command()
@click.argument("script", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "to", required=True, help="designer, local or a twin's name.")
@click.option("--from", "from_env", help="Where the original ran (default: see the README).")
@click.option(
    "--bundle",
    type=click.Path(path_type=Path),
    help="Script Bundle, a folder or a .zip: its modules are migrated too. The migrated zip is "
    "written as NAME.<target>.zip beside it (with --write: over it).",
)
@click.option("--diff/--write", "show_diff", default=True, help="Print a unified diff (default) "
              "or write the files atomically: all or none.")  # fmt: skip
@click.option("--verify", is_flag=True, help="Run the original and the migrated script, compare.")
@click.option("--dataset1", type=click.Path(path_type=Path), help="Input for Dataset1.")
@click.option("--dataset2", type=click.Path(path_type=Path), help="Input for Dataset2.")
@click.option("--against", type=click.Path(dir_okay=False, path_type=Path),
              help="Verify this finished migrated file instead of the automatic rewrite.")  # fmt: skip
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the verification. Default: azml-out/migrate-<script>.")  # fmt: skip
@run_comparison_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def migrate(
    script: Path,
    to: str,
    from_env: str | None,
    bundle: Path | None,
    show_diff: bool,
    verify: bool,
    dataset1: Path | None,
    dataset2: Path | None,
    against: Path | None,
    out_dir: Path | None,
    rtol: float,
    atol: float,
    timeout: float | None,
    as_json: bool,
) -> None:
    """Rewrite SCRIPT for the runtime --to names: Python 2 to 3, removed pandas APIs, and the
    contract from classic to the designer. Each rewrite names its rule (`azml rule CODE`);
    what cannot be decided is listed with its line and left unchanged.

    A zip bundle's modules are shown as ZIP/MODULE.py; the migrated zip (other entries copied
    as they are) is written beside the original as NAME.<target>.zip, or over it with --write.

    Finding lines are the original's; with --write, the written file's. --verify runs
    before --write replaces anything; a missing input or twin stops both.

    Exit status: 0 done (with --verify: outputs equal), 1 outputs differ, 2 a run failed or
    the script cannot be migrated.
    """
    from azml_lsp.migrate import files, targets
    from azml_lsp.migrate.python2 import MigrationError
    from azml_lsp.migrate.script import migrate_script
    from azml_lsp.settings import load_settings

    if not script.is_file():
        raise click.UsageError(f"{script}: script not found")
    if against is not None and not verify:
        raise click.UsageError("--against names the migrated file to verify: give --verify too")
    try:
        target = targets.resolve_target(to)
        if from_env:
            targets.resolve_target(from_env, "--from")
        declared = load_settings(script)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    bundle = bundle or (Path(declared.bundle) if declared.bundle else None)
    connected = (
        bool(dataset1 or declared.dataset1),
        bool(dataset2 or declared.dataset2),
    )
    try:
        done = migrate_script(
            files.read(script), target, path=str(script), declared_env=declared.env,
            declared_dialect=declared.dialect, from_env=from_env, connected=connected,
        )  # fmt: skip
        origin, dialect, main = done.origin, done.dialect, done.migration
        modules = files.migrate_bundle(bundle, target, dialect) if bundle else []
    except (MigrationError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    migrated = [files.MigratedFile(script, main), *modules]
    findings = [
        f.render(str(item.path), item.migration.original_line(f.line) if show_diff else None)
        for item in migrated
        for f in item.migration.findings
    ]  # each line as the file on disk has it: the original, or the migrated one (--write)
    if not as_json:
        for line in findings:
            click.echo(line, err=True)
        if not findings:
            click.echo(f"{script}: nothing to change for {target.env}", err=True)
    if show_diff and not as_json:
        sys.stdout.write(files.unified_diff(migrated))
    report: dict[str, object] = {
        "from": origin, "to": target.env, "findings": findings,
        "listed": sum(len(item.migration.listed) for item in migrated),
    }  # fmt: skip
    status = 0
    if verify:  # before --write replaces the original, which the source twin runs
        try:
            status = _verify(
                script, main.text if against is None else files.read(against), modules,
                origin, dialect.value, target, dataset1, dataset2, bundle, out_dir, rtol, atol,
                timeout, report, as_json,
            )  # fmt: skip
        except ValueError as exc:  # RequestError: an input or twin missing
            click.echo(f"error: {exc} (nothing was run or written)", err=True)
            sys.exit(2)
    try:
        written = _write(migrated, target, show_diff)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for path in written:
        click.echo(f"wrote {path}", err=True)
    report["written"] = [str(path) for path in written]
    if as_json:
        sys.stdout.write(json.dumps(report, default=str) + "\n")
    sys.exit(status)


def _write(migrated: list[MigratedFile], target: Target, show_diff: bool) -> list[Path]:
    """With --write every changed file and zip bundle, all or none; with --diff only a changed
    zip bundle, as a new zip beside it."""
    from azml_lsp.migrate import bundlezip, files

    if not show_diff:
        return files.write_all(migrated)
    zips = files.zips_of(migrated)
    beside = {source: bundlezip.migrated_name(source, target.env) for source in zips}
    return files.write_all([item for item in migrated if item.zip is not None], beside)


def _verify(
    script: Path,
    text: str,
    modules: list[MigratedFile],
    origin: str,
    dialect: str,
    target: Target,
    dataset1: Path | None,
    dataset2: Path | None,
    bundle: Path | None,
    out_dir: Path | None,
    rtol: float,
    atol: float,
    timeout: float | None,
    report: dict[str, object],
    as_json: bool,
) -> int:
    from azml_lsp.cli.run import build_request
    from azml_lsp.compare.report import verdict, write_comparison
    from azml_lsp.migrate.verify import verify

    folder = out_dir or Path("azml-out") / f"migrate-{script.stem}"
    request = build_request(
        script, dataset1=dataset1, dataset2=dataset2, bundle=bundle, dialect=dialect,
        out_dir=folder, fmt="parquet", timeout=timeout, memory_mb=None, sandbox=None,
        keep_workdir=False, python=None, env=origin,
    )  # fmt: skip
    comparison = verify(request, origin, dialect, text, modules, target, folder, rtol, atol)
    page, summary = write_comparison(comparison, folder)
    report["verdict"] = verdict(comparison)
    report["comparison"] = comparison.to_json()
    report["report"] = str(page)
    if not as_json:
        echo_verdict(comparison, request, page, summary)
    return 0 if comparison.equal else 1 if comparison.runs_ok else 2
