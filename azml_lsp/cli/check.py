"""``azml check`` and ``azml rule``: static checks of scripts and the rules' docs."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import click

from azml_lsp import atomic
from azml_lsp.checker import RULES, CheckConfig, Diagnostic, Severity, check_source, fix_source
from azml_lsp.checker.output import format_json, format_sarif, format_text
from azml_lsp.contract import ENTRY_POINT
from azml_lsp.settings import SettingsError

_DEFINES_ENTRY = re.compile(
    rf"^[ \t]*(?:async[ \t]+)?def[ \t]+{ENTRY_POINT}\b|^[ \t]*{ENTRY_POINT}[ \t]*=", re.MULTILINE
)
_HEADER = re.compile(r"^[ \t]*#[ \t]*azml:[^\n]*=", re.MULTILINE)
_SKIPPED_DIRS = {"__pycache__", ".git", ".venv", "venv", "node_modules", ".tox", ".mypy_cache"}


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--dialect", type=click.Choice(["classic", "designer"]), help="Cloud module to check for."
)
@click.option("--target-python", help="Python of the cloud runtime, such as 2.7, 3.5 or 3.8.")
@click.option(
    "--env",
    help="A cloud twin (azml env list): check against its Python and pandas; 'local' for none.",
)
@click.option("--bundle", help="Script Bundle zip or folder the script imports from.")
@click.option("--select", help="Comma-separated rule codes or prefixes to run (default: all).")
@click.option("--ignore", help="Comma-separated rule codes or prefixes not to run.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
)
@click.option("--fix", is_flag=True, help="Apply safe automatic fixes to the files.")
@click.option("--no-inference", is_flag=True, help="Skip type inference (jedi); syntax only.")
def check(
    paths: tuple[str, ...],
    dialect: str | None,
    target_python: str | None,
    env: str | None,
    bundle: str | None,
    select: str | None,
    ignore: str | None,
    output_format: str,
    fix: bool,
    no_inference: bool,
) -> None:
    """Check scripts (files, or folders of .py files) against the module's contract.

    In folders, only .py files that define azureml_main or carry a "# azml:" header are
    checked; files named on the command line are always checked.

    Exit status: 1 when any error is reported, 0 otherwise, 2 on usage errors.
    """
    files = list(_script_files(paths))
    if bundle is not None and not Path(bundle).exists():
        raise click.BadParameter(f"{bundle!r} does not exist", param_hint="--bundle")
    diagnostics: list[Diagnostic] = []
    for file in files:
        source = _read(file)
        try:
            config = CheckConfig.for_file(
                file,
                source,
                dialect=dialect,
                target_python=target_python,
                env=env,
                bundle=str(Path(bundle).resolve()) if bundle else None,
                select=_codes(select),
                ignore=_codes(ignore),
                use_jedi=False if no_inference else None,
            )
        except (SettingsError, ValueError) as exc:
            raise click.UsageError(str(exc)) from None
        found = check_source(source, str(file), config)
        if fix:
            found = _fix(file, source, found, config)
        diagnostics.extend(found)
    formatter = {"text": format_text, "json": format_json, "sarif": format_sarif}[output_format]
    click.echo(formatter(diagnostics), nl=False)
    if output_format == "text":
        _summary(diagnostics, len(files))
    sys.exit(1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0)


def _codes(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def _script_files(paths: tuple[str, ...]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(".")
                )
                for name in sorted(names):
                    if name.endswith(".py") and _is_script(Path(folder) / name):
                        yield Path(folder) / name
        elif path.is_file():
            yield path
        else:
            raise click.BadParameter(f"{raw!r} is neither a file nor a folder", param_hint="PATHS")


def _is_script(path: Path) -> bool:
    """Files found in folders count as scripts when they define the entry point or carry an
    ``# azml:`` header; helper modules (for example a Script Bundle's sources) are skipped."""
    try:
        text = _read(path)
    except OSError:
        return False
    return _DEFINES_ENTRY.search(text) is not None or _HEADER.search(text) is not None


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _fix(path: Path, source: str, found: list[Diagnostic], config: CheckConfig) -> list[Diagnostic]:
    if not any(d.fix is not None and d.fix.safe for d in found):
        return found
    fixed, applied = fix_source(source, str(path), config)
    if fixed == source:
        return found
    atomic.write_text(path, fixed)
    remaining = check_source(fixed, str(path), config)
    left = Counter(d.code for d in remaining)
    gone = Counter(d.code for d in found) - left
    codes = ", ".join(f"{code} x{n}" if n > 1 else code for code, n in sorted(gone.items()))
    click.echo(f"{path}: applied {applied} fix(es), resolving {codes or 'nothing'}", err=True)
    return remaining


def _summary(diagnostics: list[Diagnostic], files: int) -> None:
    if not diagnostics:
        click.echo(f"All checks passed ({files} file(s)).", err=True)
        return
    counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
    click.echo(
        f"Found {len(diagnostics)} problem(s) in {files} file(s): {counts[Severity.ERROR]} "
        f"error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} info.",
        err=True,
    )


@click.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule(code: str | None, show_all: bool) -> None:
    """Explain a checker rule (what it does, why, an example, how to fix it)."""
    if show_all or code is None:
        if code is None and not show_all:
            raise click.UsageError("name a rule code (for example AZ001) or pass --all")
        for item in sorted(RULES.values(), key=lambda r: r.code):
            click.echo(f"{item.code}  {item.severity.value:<7}  {item.name}: {item.summary}")
        return
    found = RULES.get(code.strip().upper())
    if found is None:
        raise click.BadParameter(
            f"unknown rule code {code!r}: run `azml rule --all` to list the rules",
            param_hint="CODE",
        )
    click.echo(found.doc, nl=False)
