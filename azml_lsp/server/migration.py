"""Migration in the editor: the "Migrate script to designer" action (the whole document
replaced by ``azml migrate``'s text) and ``azml.migrateVerify`` (``azml migrate --verify``).

The places the migration lists but does not change are counted in the action's title and
given as its ``diagnostics`` (severity Information, source ``azml migrate``, the rule's code)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from lsprotocol import types

from azml_lsp.contract import Dialect
from azml_lsp.migrate.script import ScriptMigration, migrate_script
from azml_lsp.server.config import ServerConfig
from azml_lsp.server.positions import PositionMapper
from azml_lsp.server.runs import CommandError, RunArguments, build_request, script_to_run
from azml_lsp.server.script_context import ScriptContext

MIGRATE_TITLE = "Migrate script to designer"
VERIFY_COMMAND = "azml.migrateVerify"
TARGET = "designer"


def _migrate(
    source: str,
    context: ScriptContext,
    from_env: str | None,
    datasets: tuple[str | None, str | None],
) -> ScriptMigration:
    from azml_lsp.migrate.targets import resolve_target

    settings = context.settings
    return migrate_script(
        source,
        resolve_target(TARGET),
        path=context.path or "<script>",
        declared_env=settings.env,
        declared_dialect=settings.dialect,
        from_env=from_env,
        connected=(bool(datasets[0]), bool(datasets[1])),
    )


def migrate_action(
    uri: str, version: int | None, source: str, context: ScriptContext, mapper: PositionMapper
) -> types.CodeAction | None:
    """The action, for a classic or Python 2 script the migration changes; None otherwise."""
    from azml_lsp.migrate.python2 import MigrationError

    settings = context.settings
    try:
        done = _migrate(source, context, None, (settings.dataset1, settings.dataset2))
    except (MigrationError, ValueError):
        return None
    migration = done.migration
    if not migration.changed or not (context.dialect is Dialect.CLASSIC or migration.python2):
        return None
    last = len(mapper.lines) - 1
    whole = types.Range(types.Position(0, 0), mapper.to_position(last, len(mapper.lines[last])))
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    notes = [
        types.Diagnostic(
            range=mapper.line_range(migration.original_line(f.line)),
            message=f"{f.message} (line {f.line} of the migrated script; left unchanged)",
            severity=types.DiagnosticSeverity.Information,
            code=f.code,
            source="azml migrate",
        )
        for f in migration.listed
    ]
    title = MIGRATE_TITLE + (f" ({len(notes)} places to check)" if notes else "")
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.RefactorRewrite,
        diagnostics=notes or None,
        edit=types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(document, [types.TextEdit(whole, migration.text)])
            ]
        ),
    )


def parse_verify(arguments: Any) -> RunArguments:
    """``{"uri", "dataset1"?, "dataset2"?, "bundle"?, "env"?}``; ``env``: where the original ran."""
    parsed = RunArguments.parse(VERIFY_COMMAND, arguments)
    if parsed.dialect is not None:
        raise CommandError(
            f"{VERIFY_COMMAND}: field 'dialect' is not used: give 'env', where the original ran"
        )
    return parsed


def verify_script(
    parsed: RunArguments, source: str, context: ScriptContext, config: ServerConfig, root: str
) -> dict[str, Any]:
    """Run the original and the migrated text, compare (blocking: call it in a thread). The
    inputs are the arguments', else the script's declared ones, as for ``azml.run``."""
    from azml_lsp.compare.report import verdict, write_comparison
    from azml_lsp.compare.tables import DEFAULT_ATOL, DEFAULT_RTOL
    from azml_lsp.migrate import files
    from azml_lsp.migrate.python2 import MigrationError
    from azml_lsp.migrate.verify import verify
    from azml_lsp.runtime.runner import RequestError

    assert context.path is not None
    script = script_to_run(context.path, source)
    request = build_request(parsed, context, config, script, root)
    try:
        done = _migrate(source, context, parsed.env, (request.dataset1, request.dataset2))
        target = done.target
        modules = (
            files.migrate_bundle(Path(request.bundle), target, done.dialect)
            if request.bundle
            else []
        )
    except (MigrationError, ValueError) as exc:
        raise CommandError(f"{VERIFY_COMMAND}: {exc}") from None
    request = replace(request, env=done.origin, dialect=done.dialect.value)
    folder = Path(root) / "azml-out" / f"migrate-{Path(context.path).stem}"
    try:
        comparison = verify(
            request, done.origin, done.dialect.value, done.migration.text, modules, target,
            folder, DEFAULT_RTOL, DEFAULT_ATOL,
        )  # fmt: skip
    except RequestError as exc:
        raise CommandError(f"{VERIFY_COMMAND}: {exc}") from None
    page, summary = write_comparison(comparison, folder)
    return {
        "equal": comparison.equal,
        "verdict": verdict(comparison),
        "from": done.origin,
        "to": target.env,
        "findings": [
            f.render(Path(context.path).name, done.migration.original_line(f.line))
            for f in done.migration.findings
        ],
        "comparison": comparison.to_json(),
        "report": str(page),
        "summary": str(summary),
    }
