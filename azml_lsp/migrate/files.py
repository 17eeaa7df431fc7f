"""A script and its bundle's modules migrated together: diff, and an all-or-nothing write."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from azml_lsp import atomic
from azml_lsp.contract.dialects import Dialect
from azml_lsp.migrate.model import Migration, Target
from azml_lsp.migrate.plan import migrate_source


@dataclass
class MigratedFile:
    path: Path
    migration: Migration


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="latin-1")


def migrate_bundle(folder: Path, target: Target, source_dialect: Dialect) -> list[MigratedFile]:
    """Every ``.py`` module under the bundle folder, migrated (no contract rewrites)."""
    if not folder.is_dir():
        raise ValueError(f"--bundle {folder}: not a folder (unzip a bundle .zip first)")
    return [
        MigratedFile(
            path,
            migrate_source(
                read(path), target, path=str(path), source_dialect=source_dialect, module=True
            ),
        )
        for path in sorted(folder.rglob("*.py"))
    ]


def unified_diff(files: list[MigratedFile]) -> str:
    """One unified diff of every changed file."""
    out: list[str] = []
    for item in files:
        if item.migration.changed:
            out.extend(
                difflib.unified_diff(
                    item.migration.original.splitlines(keepends=True),
                    item.migration.text.splitlines(keepends=True),
                    f"a/{item.path}",
                    f"b/{item.path}",
                )
            )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def write_all(files: list[MigratedFile]) -> list[Path]:
    """Write every changed file, each atomically (temp file, then rename); all texts are
    computed before the first write, so a migration that fails writes nothing."""
    written: list[Path] = []
    for item in files:
        if item.migration.changed:
            atomic.write_text(item.path, item.migration.text)
            written.append(item.path)
    return written
