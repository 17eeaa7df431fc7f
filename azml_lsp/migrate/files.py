"""A script and its bundle's modules migrated together: diff, and an all-or-nothing write.

A bundle is a folder (its modules are files, rewritten in place by ``--write``) or a zip (its
modules are entries, shown as ``ZIP/ENTRY``; the migrated zip is a new file, see
:func:`write_all`)."""

from __future__ import annotations

import contextlib
import difflib
from dataclasses import dataclass
from pathlib import Path

from azml_lsp import atomic
from azml_lsp.contract.dialects import Dialect
from azml_lsp.migrate import bundlezip
from azml_lsp.migrate.encoding import decode, encode
from azml_lsp.migrate.model import Migration, Target
from azml_lsp.migrate.plan import migrate_source


@dataclass
class MigratedFile:
    path: Path
    """The file; for a zip bundle's module, the zip's path joined with the entry's name."""
    migration: Migration
    zip: Path | None = None
    """The zip bundle the module is an entry of; None for a file."""
    entry: str = ""
    """The module's entry name in :attr:`zip`."""


def read(path: Path) -> str:
    return decode(path.read_bytes())


def migrate_bundle(bundle: Path, target: Target, source_dialect: Dialect) -> list[MigratedFile]:
    """Every ``.py`` module of the bundle (a folder or a zip), migrated (no contract rewrites)."""

    def migrated(text: str, path: Path) -> Migration:
        return migrate_source(
            text, target, path=str(path), source_dialect=source_dialect, module=True
        )

    if bundle.is_dir():
        return [
            MigratedFile(path, migrated(read(path), path)) for path in sorted(bundle.rglob("*.py"))
        ]
    if not bundle.is_file():
        raise ValueError(f"--bundle {bundle}: no such folder or zip file")
    return [
        MigratedFile(bundle / name, migrated(text, bundle / name), bundle, name)
        for name, text in bundlezip.read_modules(bundle, decode)
    ]


def zips_of(files: list[MigratedFile]) -> dict[Path, dict[str, str]]:
    """For each zip bundle with a changed module: entry name to migrated text."""
    changed: dict[Path, dict[str, str]] = {}
    for item in files:
        if item.zip is not None and item.migration.changed:
            changed.setdefault(item.zip, {})[item.entry] = item.migration.text
    return changed


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


def write_all(files: list[MigratedFile], zip_to: dict[Path, Path] | None = None) -> list[Path]:
    """Write every changed file, and each zip bundle with a changed module to ``zip_to[zip]``
    (default: over the zip). All-or-nothing: every new file (script, modules, zips) is written
    in full to a temp file beside its target first; only when all are written are they renamed
    over their targets, so a failure leaves every target as it was."""
    written: list[Path] = []
    with contextlib.ExitStack() as stack:
        for source, replaced in zips_of(files).items():
            out = (zip_to or {}).get(source, source)
            bundlezip.write_zip(source, replaced, stack.enter_context(atomic.atomic_path(out)))
            written.append(out)
        for item in files:
            if item.zip is None and item.migration.changed:
                temp = stack.enter_context(atomic.atomic_path(item.path))
                temp.write_bytes(encode(item.migration.text, item.path))
                written.append(item.path)
    return written
