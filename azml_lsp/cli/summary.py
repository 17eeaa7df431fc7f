"""The readable summary ``azml run`` prints without ``--json``: status, tables, files, errors.

Parent side: rich, no pandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from azml_lsp.runtime.model import OutputTable, RunError, RunResult

MAX_COLUMNS = 12
"""Columns shown per table preview; the rest are counted."""
OUTPUT_TAIL_LINES = 20
"""Lines of stdout/stderr shown; the log has them all."""


def print_summary(result: RunResult, console: Console) -> None:
    """Print the run's outcome for a person reading a terminal."""
    mark = "[bold green]✓ succeeded[/]" if result.ok else "[bold red]✗ failed[/]"
    console.print(
        f"{mark} [bold]{escape(result.script)}[/] "
        f"([cyan]{escape(result.dialect)}[/], {result.duration_s:.2f} s)"
    )
    if result.environment:
        console.print(f"[dim]ran in:[/] {escape(result.environment)}", highlight=False)
    if result.error is not None:
        _print_error(result.error, result.script, console)
    for table in result.outputs:
        _print_table(table, console)
    _print_output("stdout", result.stdout, console)
    _print_output("stderr", result.stderr, console)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    _print_files(result, console)


def _print_error(error: RunError, script: str, console: Console) -> None:
    where = f"{script}:{error.line}: " if error.line is not None else ""
    headline = _headline(error)
    if error.exception and not headline.startswith(error.exception):
        headline = f"{error.exception}: {headline}" if error.detail else error.exception
    console.print(f"[bold red]error:[/] {escape(where + headline)}", highlight=False)
    frames = [f for f in error.frames if f.path]
    if frames:
        console.print("[dim]traceback (most recent call last):[/]")
        for frame in frames:
            text = f" - {frame.text.strip()}" if frame.text else ""
            location = f"{frame.path}:{frame.line} in {frame.function}{text}"
            console.print(f"  {escape(location)}", highlight=False)
    if error.message.strip() and error.message.strip() not in (error.detail, headline):
        console.print(escape(error.message), style="red", highlight=False)


def _headline(error: RunError) -> str:
    """The detail, else the message's last line of substance (the 0085 frame lines skipped)."""
    if error.detail:
        return error.detail
    lines = [line for line in error.message.splitlines() if line.strip() and line[0] != "-"]
    return lines[-1].strip() if lines else f"{error.kind} error"


def _print_table(table: OutputTable, console: Console) -> None:
    shown = table.columns[:MAX_COLUMNS]
    name = Path(table.path).name if table.path else "result dataset"
    title = f"{name} (port {table.port}): {table.rows} rows, {len(table.columns)} columns"
    if len(table.head) < table.rows:
        title += f", first {len(table.head)} shown"
    if len(table.columns) > len(shown):
        title += f" ({len(table.columns) - len(shown)} more columns not shown)"
    console.print(f"[bold]{escape(title)}[/]", highlight=False)
    if not shown:
        return
    preview = Table(show_lines=False)
    dtypes = table.dtypes or [""] * len(table.columns)
    for column, dtype in zip(shown, dtypes, strict=False):
        preview.add_column(f"{escape(column)}\n[dim]{escape(dtype)}[/]", overflow="ellipsis")
    for row in table.head:
        preview.add_row(*(_cell(value) for value in row[: len(shown)]))
    console.print(preview)


def _cell(value: Any) -> str:
    if value is None:
        return "[dim]NaN[/]"
    return escape(str(value))


def _print_output(title: str, text: str, console: Console) -> None:
    if not text.strip():
        return
    lines = text.rstrip("\n").splitlines()
    console.print(
        f"[bold]{title}[/]"
        + (f" [dim](last {OUTPUT_TAIL_LINES} lines)[/]" if len(lines) > OUTPUT_TAIL_LINES else "")
    )
    console.print(escape("\n".join(lines[-OUTPUT_TAIL_LINES:])), highlight=False)


def _print_files(result: RunResult, console: Console) -> None:
    files = [(f"result dataset {t.port}", t.path) for t in result.outputs if t.path]
    files += [("image", path) for path in result.images]
    files += [
        (name, path) for name, path in (("report", result.report), ("log", result.log)) if path
    ]
    if result.workdir:
        files.append(("working directory", result.workdir))
    for label, path in files:
        console.print(f"[dim]{label}:[/] {escape(path)}", highlight=False)
