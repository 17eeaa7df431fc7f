"""``--verify``: the original under its source environment, the migrated copy under the target,
compared port by port with :mod:`azml_lsp.compare` (the user's files are never touched)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from azml_lsp import atomic
from azml_lsp.compare.runs import Comparison, compare_requests, preflight
from azml_lsp.migrate.bundlezip import write_zip
from azml_lsp.migrate.encoding import encode
from azml_lsp.migrate.files import MigratedFile, zips_of
from azml_lsp.migrate.model import Target
from azml_lsp.runtime.model import RunRequest


def verify(
    original: RunRequest,
    source_env: str,
    source_dialect: str,
    migrated_text: str,
    bundle: list[MigratedFile],
    target: Target,
    out_dir: Path,
    rtol: float,
    atol: float,
) -> Comparison:
    """Run ``original`` in ``source_env`` and the migrated script (written under
    ``out_dir/migrated``, with its migrated bundle: a folder, or a zip of the same name) in the
    target; compare the outputs. Raises RequestError, before any run, for a missing input or
    an environment that cannot run."""
    before = replace(original, env=source_env, dialect=source_dialect)
    target_request = replace(
        original, env=target.env, dialect=target.dialect.value, target_python=None
    )
    preflight((before, target_request))
    folder = out_dir / "migrated"
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / Path(original.script).name
    atomic.write_bytes(script, encode(migrated_text, script))
    migrated_bundle = original.bundle
    if original.bundle and Path(original.bundle).is_dir():
        copy = folder / "bundle"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(original.bundle, copy)
        root = Path(original.bundle)
        for item in bundle:
            module = copy / item.path.resolve().relative_to(root.resolve())
            atomic.write_bytes(module, encode(item.migration.text, module))
        migrated_bundle = str(copy)
    elif original.bundle:
        source = Path(original.bundle).resolve()
        changed = zips_of(bundle)
        replaced = next((r for z, r in changed.items() if z.resolve() == source), None)
        if replaced:
            copy = folder / source.name
            with atomic.atomic_path(copy) as temp:
                write_zip(source, replaced, temp)
            migrated_bundle = str(copy)
    after = replace(target_request, script=str(script), bundle=migrated_bundle)
    return compare_requests((before, after), out_dir, rtol, atol)
