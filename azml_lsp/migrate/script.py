"""A script's migration with its origin worked out: where the original ran, its dialect, and
the migrated text (shared by ``azml migrate`` and the editor's action and command)."""

from __future__ import annotations

from dataclasses import dataclass

from azml_lsp.contract.dialects import Dialect
from azml_lsp.migrate import targets
from azml_lsp.migrate.model import Migration, Target
from azml_lsp.migrate.plan import migrate_source


@dataclass(frozen=True)
class ScriptMigration:
    origin: str
    """The environment the original ran in (``--from``, else worked out from the script)."""
    dialect: Dialect
    """The dialect of the original's runs."""
    migration: Migration
    target: Target


def migrate_script(
    text: str,
    target: Target,
    *,
    path: str,
    declared_env: str | None,
    declared_dialect: str | None,
    from_env: str | None = None,
    connected: tuple[bool, bool] | None = None,
) -> ScriptMigration:
    """``text`` migrated to ``target``; raises MigrationError or ValueError when it cannot be."""
    probe = migrate_source(text, target, path=path)
    origin = from_env or targets.source_env(declared_env, declared_dialect, probe.python2)
    dialect = targets.dialect_of(origin, declared_dialect if not from_env else None)
    migration = migrate_source(text, target, path=path, source_dialect=dialect, connected=connected)
    return ScriptMigration(origin, dialect, migration, target)
