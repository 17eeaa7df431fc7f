"""Check and run every example with the real ``azml`` command line, and summarize.

Each example is a folder ``examples/<name>/`` holding the script ``<name>.py``, whose header
comment (``# azml: dialect=... dataset1=...``) names its dialect and inputs. For each one this
runs ``azml check`` and ``azml run --json`` in child processes, writes the outputs to
``<out>/<name>/`` (default ``azml-out/<name>/``), prints a table, and exits 1 if any example
failed. An example whose header names a cloud twin (``env=classic-py27``) runs in it: the twin is
created first when it is missing (``azml env create``); without an interpreter for it, the
example is skipped with what to install.

    python examples/run_all.py [--out azml-out] [--root examples] [--jobs N] [NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

EXAMPLES_DIR = Path(__file__).resolve().parent
CHILD_TIMEOUT_S = 300.0
NOT_AVAILABLE = "n/a"


@dataclass
class Outcome:
    """What one example did."""

    name: str
    check: str = NOT_AVAILABLE
    """``clean``, counts such as ``1 warning``, or n/a when this installation has no check."""
    check_ok: bool = True
    run_ok: bool = False
    rows: list[int] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)
    images: int = 0
    environment: str = ""
    """Where the script ran (``local: Python 3.11.7, pandas 3.1.1``, a twin's summary)."""
    skipped: str = ""
    """Why the example did not run (its twin cannot be made here), or empty."""
    seconds: float = 0.0
    """Wall time of ``azml run``."""
    problems: list[str] = field(default_factory=list)
    """Why the example failed."""
    notes: list[str] = field(default_factory=list)
    """Warnings that do not fail it."""

    @property
    def ok(self) -> bool:
        return bool(self.skipped) or (self.check_ok and self.run_ok)


def example_scripts(names: list[str] | None = None, root: Path = EXAMPLES_DIR) -> list[Path]:
    """The script of every example (``<name>/<name>.py``) under ``root``; ``names`` selects some."""
    scripts = sorted(
        folder / f"{folder.name}.py"
        for folder in root.iterdir()
        if (folder / f"{folder.name}.py").is_file()
    )
    if not names:
        return scripts
    known = {script.parent.name: script for script in scripts}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise SystemExit(f"unknown example(s) {', '.join(unknown)}: choose from {', '.join(known)}")
    return [known[name] for name in names]


def azml(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m azml_lsp ARGS`` in a child process with this interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "azml_lsp", *args],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )


def counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def check_example(script: Path, outcome: Outcome) -> None:
    """Record what ``azml check`` says of the script (errors fail the example)."""
    done = azml("check", "--format", "json", str(script))
    if done.returncode == 2 and "No such command" in done.stderr:
        return
    try:
        diagnostics: list[dict[str, Any]] = json.loads(done.stdout)
    except json.JSONDecodeError:
        outcome.check, outcome.check_ok = "failed", False
        outcome.problems.append(f"azml check exited {done.returncode}: {done.stderr.strip()}")
        return
    errors = [d for d in diagnostics if d.get("severity") == "error"]
    others = [d for d in diagnostics if d.get("severity") != "error"]
    outcome.check_ok = done.returncode == 0 and not errors
    counts = [counted(len(errors), "error")] if errors else []
    counts += [counted(len(others), "warning")] if others else []
    outcome.check = ", ".join(counts) or "clean"
    for diagnostic in diagnostics:
        line = "{path}:{line}: {code} {message}".format_map(diagnostic)
        (outcome.problems if diagnostic in errors else outcome.notes).append(line)


def run_example(script: Path, out_dir: Path, outcome: Outcome) -> None:
    """Record what ``azml run --json`` did with the script; outputs go to ``out_dir``."""
    started = time.perf_counter()
    done = azml("run", str(script), "--out", str(out_dir), "--json")
    outcome.seconds = time.perf_counter() - started
    try:
        result: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        outcome.problems.append(f"azml run exited {done.returncode}: {done.stderr.strip()}")
        return
    outcome.run_ok = bool(result.get("ok")) and done.returncode == 0
    outcome.rows = [output["rows"] for output in result.get("outputs", [])]
    outcome.columns = [len(output["columns"]) for output in result.get("outputs", [])]
    outcome.images = len(result.get("images", []))
    outcome.environment = str(result.get("environment", ""))
    outcome.notes.extend(result.get("warnings", []))
    error = result.get("error")
    if error:
        outcome.problems.append(str(error.get("message", error)))


def check_and_run(script: Path, out_root: Path, missing: dict[str, str]) -> Outcome:
    """Check and run one example; its outputs go to ``out_root/<name>/``. ``missing``: twins
    that cannot be made here, with why."""
    outcome = Outcome(name=script.parent.name)
    twin = declared_twin(script)
    if twin in missing:
        outcome.skipped = missing[twin]
        return outcome
    check_example(script, outcome)
    run_example(script, out_root / outcome.name, outcome)
    migrated = migrated_version(script)
    if migrated is not None and declared_twin(migrated) not in missing:
        verify_migration(script, migrated, out_root / outcome.name / "migrate", outcome)
    return outcome


def migrated_version(script: Path) -> Path | None:
    """The example's migrated designer version (``<name>_designer.py`` beside it), if any."""
    migrated = script.with_name(f"{script.stem}_designer.py")
    return migrated if migrated.is_file() else None


def verify_migration(script: Path, migrated: Path, out_dir: Path, outcome: Outcome) -> None:
    """``azml migrate --verify``: the original in its twin and the migrated version in the
    designer twin must write equal tables."""
    done = azml(
        "migrate", str(script), "--to", "designer", "--verify", "--against", str(migrated),
        "--out", str(out_dir), "--json",
    )  # fmt: skip
    try:
        equal = bool(json.loads(done.stdout)["comparison"]["equal"])
    except (json.JSONDecodeError, KeyError):
        equal = False
    if equal and done.returncode == 0:
        outcome.notes.append(f"azml migrate --verify: {migrated.name} writes the same tables")
    else:
        outcome.run_ok = False
        outcome.problems.append(
            f"azml migrate --verify {migrated.name} exited {done.returncode}: "
            f"{done.stderr.strip() or done.stdout.strip()[:500]}"
        )


def declared_twin(script: Path) -> str | None:
    """The cloud twin the script's settings name, if any."""
    from azml_lsp.settings import load_settings

    env = load_settings(script).env
    return env if env and env != "local" else None


def prepare_twins(scripts: list[Path]) -> dict[str, str]:
    """Create each twin the scripts name (a no-op when it is created); returns the twins that
    cannot be made here (no interpreter for them), with azml's words on what to install."""
    missing: dict[str, str] = {}
    for twin in sorted({t for t in map(declared_twin, scripts) if t}):
        done = subprocess.run(
            [sys.executable, "-m", "azml_lsp", "env", "create", twin],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if done.returncode != 0:
            words = (done.stderr.strip() or done.stdout.strip()).splitlines()
            missing[twin] = f"the {twin} twin cannot be made here: {words[-1] if words else ''}"
    return missing


def run_all(scripts: list[Path], out_root: Path, jobs: int = 1) -> list[Outcome]:
    """Check and run each script, ``jobs`` examples at a time; results in the scripts' order."""
    companions = [m for m in map(migrated_version, scripts) if m is not None]
    missing = prepare_twins(scripts + companions)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda script: check_and_run(script, out_root, missing), scripts))


def summary_table(outcomes: list[Outcome]) -> Table:
    """One row per example; a table per output port is shown as ``rows1 / rows2``."""
    table = Table(title="azml examples")
    table.add_column("example", no_wrap=True)
    table.add_column("ok")
    table.add_column("check", no_wrap=True)
    for header in ("rows", "columns", "images", "seconds"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("env")
    for outcome in outcomes:
        table.add_row(
            outcome.name,
            "[yellow]skipped[/]"
            if outcome.skipped
            else "[green]yes[/]"
            if outcome.ok
            else "[red]NO[/]",
            outcome.check,
            " / ".join(map(str, outcome.rows)),
            " / ".join(map(str, outcome.columns)),
            str(outcome.images),
            f"{outcome.seconds:.2f}",
            outcome.environment,
        )
    return table


def main(argv: list[str] | None = None) -> int:
    """Check and run the examples; 0 when all succeed, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="examples to run (default: all)")
    parser.add_argument("--out", type=Path, default=Path("azml-out"), help="output folder root")
    parser.add_argument("--root", type=Path, default=EXAMPLES_DIR, help="folder of the examples")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="examples at a time (default: cores)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run_all(example_scripts(args.names, args.root.resolve()), args.out, args.jobs)
    console = Console()
    console.print(summary_table(outcomes))
    for outcome in outcomes:
        if outcome.skipped:
            console.print(f"[yellow]{outcome.name}[/]: {escape(outcome.skipped)}", highlight=False)
        for problem in outcome.problems:
            console.print(f"[bold red]{outcome.name}[/]: {escape(problem)}", highlight=False)
        for note in outcome.notes:
            console.print(f"[yellow]{outcome.name}[/]: {escape(note)}", highlight=False)
    failed = [outcome.name for outcome in outcomes if not outcome.ok]
    verdict = f"failed: {', '.join(failed)}" if failed else f"all {len(outcomes)} passed"
    elapsed = time.perf_counter() - started
    console.print(f"{verdict} in {elapsed:.1f} s; outputs in {args.out.resolve()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
