"""``azml env``: create, list, check and remove cloud twins (a cloud runtime rebuilt locally)."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from azml_lsp.contract.twins import TwinSpec
from azml_lsp.envs import store
from azml_lsp.envs.errors import FAILED, EnvError, SpecError

INTERRUPTED = 130

_project = click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to look for pyproject.toml with [tool.azml.envs] (default: the current folder).",
)


@click.group(short_help="Create, list, check and remove cloud twins.")
def env() -> None:
    """Cloud twins: a cloud runtime's Python version and exact package pins, rebuilt locally.

    Built-in twins: classic-py27, classic-py35 (Studio classic) and designer. Declare your own
    in pyproject.toml:

    \b
      [tool.azml.envs.scoring]
      python = "3.8"
      requirements = ["pandas==1.1.5", "numpy==1.19.5"]
      # or requirements-file = "requirements.txt", or conda-file = "environment.yml"

    Twins live in the user's cache ($AZML_CACHE_DIR, else ~/.cache/azml-lsp/twins).
    """


@env.command("create")
@click.argument("name")
@click.option(
    "--python",
    "python",
    metavar="PATH",
    default=None,
    help="The interpreter to use (default: the first CPython of the twin's version found).",
)
@click.option("--force", is_flag=True, help="Rebuild even when the twin is up to date.")
@_project
def create_command(name: str, python: str | None, force: bool, project: Path | None) -> None:
    """Create twin NAME: find its interpreter, install its pins, check that they import."""
    from azml_lsp.envs.create import create

    with _errors("create"), _terminate_as_exit(), _display() as (say, status):
        result = create(
            name, python=python, force=force, project_dir=project, say=say, status=status
        )
    twin = result.twin
    if not result.built:
        click.echo(
            f"{twin.summary()}: already created and up to date ({twin.folder}); --force rebuilds it"
        )
        return
    click.echo(
        f"created {twin.summary()} in {result.seconds:.1f} s: {twin.folder} ({_size(twin.size)})"
    )


@env.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
@_project
def list_command(as_json: bool, project: Path | None) -> None:
    """List the twins: built-in, declared in pyproject.toml, and created."""
    with _errors("list"):
        rows = _rows(project)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = [("NAME", "DIALECT", "CREATED", "INTERPRETER", "SIZE", "PANDAS")]
    for row in rows:
        if row["python_version"]:
            interpreter = f"Python {row['python_version']} ({row['interpreter']})"
        else:
            interpreter = f"(needs Python {row['python']})"
        size = _size(row["size"]) if row["size"] else "-"
        table.append(
            (row["name"], row["dialect"], row["status"], interpreter, size, row["pandas"] or "-")
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        click.echo("  ".join([*cells, line[-1]]).rstrip())
    for row in rows:
        if row["problem"]:
            click.echo(f"{row['name']}: {row['problem']}", err=True)


@env.command("doctor")
@click.argument("name", required=False)
@_project
def doctor_command(name: str | None, project: Path | None) -> None:
    """Check created twins (or NAME): every package imports, at the pinned version.

    Prints each package's installed version beside the cloud's and why they differ. Exit status 1
    when a package does not import or has another version."""
    from azml_lsp.envs.doctor import check_twin

    with _errors("doctor"):
        names = [name] if name else store.created_names()
        if name and name not in store.created_names():
            store.spec_of(name, project)  # an unknown name is a usage error
            click.echo(f"{name} is not created: run azml env create {name}")
            raise SystemExit(FAILED)
        if not names:
            click.echo("no twins are created: run azml env create NAME (see azml env list)")
            return
        healthy = True
        for index, twin_name in enumerate(names):
            if index:
                click.echo()
            lines, ok = check_twin(twin_name, _current_spec(twin_name, project))
            for line in lines:
                click.echo(line)
            healthy = healthy and ok
    if not healthy:
        raise SystemExit(FAILED)


@env.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Remove twin NAME from the cache (its pip downloads stay cached)."""
    with _errors("remove"):
        try:
            removed = store.remove(name)
        except ValueError as exc:
            raise SpecError(str(exc)) from None
    click.echo(
        f"removed the {name} twin" if removed else f"{name} is not created: nothing to remove"
    )


def _rows(project: Path | None) -> list[dict[str, Any]]:
    specs = {spec.name: spec for spec in store.all_specs(project)}
    names = list(specs) + [n for n in store.created_names() if n not in specs]
    rows = []
    for name in names:
        twin, problem = store.lookup(name)
        spec = specs.get(name) or (twin.spec if twin else None)
        if spec is None:  # a twin folder this version cannot read
            continue
        if twin is None:
            status = "broken" if problem else "no"
        else:
            status = "yes" if twin.matches(spec) else "outdated"
        pins = {p.name: p.version for p in spec.packages}
        packages = twin.packages if twin else pins
        rows.append(
            {
                "name": name,
                "title": spec.title,
                "builtin": spec.builtin,
                "dialect": spec.dialect.value,
                "python": spec.python,
                "created": twin is not None,
                "status": status,
                "problem": problem
                or (
                    f"built from other pins: run azml env create {name}"
                    if status == "outdated"
                    else None
                ),
                "interpreter": twin.python if twin else None,
                "python_version": twin.python_version if twin else None,
                "site": twin.site if twin else None,
                "size": twin.size if twin else None,
                "created_at": twin.created if twin else None,
                "pandas": packages.get("pandas"),
                "packages": packages,
            }
        )
    return rows


def _current_spec(name: str, project: Path | None) -> TwinSpec | None:
    try:
        return store.spec_of(name, project)
    except SpecError:
        return None


def _size(size: int) -> str:
    if size >= 1e6:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e3:.0f} kB"


@contextmanager
def _errors(command: str) -> Iterator[None]:
    """Turn twin errors into one message (and pip's last lines) and the command's exit status."""
    try:
        yield
    except EnvError as exc:
        _fail(command, str(exc), getattr(exc, "tail", []), exc.exit_code)
    except KeyboardInterrupt:
        _fail(command, "interrupted: nothing half-made was kept", [], INTERRUPTED)


def _fail(command: str, message: str, tail: list[str], code: int) -> NoReturn:
    click.echo(f"azml env {command}: {message}", err=True)
    for line in tail:
        click.echo(f"  | {line}", err=True)
    raise SystemExit(code)


@contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """A SIGTERM unwinds like an interrupt, so the half-built twin is removed."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _display() -> Iterator[tuple[Callable[[str], None], Callable[[str], None] | None]]:
    """``say`` and ``status`` for a create: a spinner line on a terminal, plain lines otherwise."""
    if not sys.stdout.isatty():
        yield click.echo, None
        return
    from rich.console import Console

    console = Console(highlight=False)
    with console.status("starting") as spinner:
        yield (lambda text: console.print(text, markup=False)), (lambda text: spinner.update(text))
