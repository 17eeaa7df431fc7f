"""Code lenses above ``azureml_main``: Run and Debug, titled with the inputs and the declared
environment they will use (the command reads the script's settings when it runs)."""

from __future__ import annotations

from pathlib import Path

import parso
from lsprotocol import types

from azml_lsp.server.jedi_source import find_entry_point
from azml_lsp.server.positions import PositionMapper
from azml_lsp.server.script_context import ScriptContext

RUN_COMMAND = "azml.run"
DEBUG_COMMAND = "azml.debug"
CHECK_COMMAND = "azml.check"


def describe_inputs(context: ScriptContext) -> str:
    """The inputs a run will use, in a few words: ``dataset1=train.csv, bundle=lib``."""
    settings = context.settings
    named = [
        f"{key}={Path(value).name}"
        for key, value in (
            ("dataset1", settings.dataset1),
            ("dataset2", settings.dataset2),
            ("bundle", settings.bundle),
        )
        if value
    ]
    return ", ".join(named) if named else "no inputs"


def code_lenses(
    uri: str, source: str, context: ScriptContext, mapper: PositionMapper
) -> list[types.CodeLens]:
    """Run and Debug lenses on the line of the ``azureml_main`` that counts (none without one)."""
    entry = find_entry_point(parso.parse(source))
    if entry is None:
        return []
    start = mapper.to_position(entry.line - 1, entry.column)
    where = types.Range(start, start)
    inputs = describe_inputs(context)
    env = f", in {context.env}" if context.env else ""
    argument = {"uri": uri}
    return [
        types.CodeLens(
            where,
            types.Command(
                title=f"▶ Run ({inputs}, {context.dialect.value}{env})",
                command=RUN_COMMAND,
                arguments=[argument],
            ),
        ),
        types.CodeLens(
            where,
            types.Command(
                title=f"Debug ({inputs}{env})", command=DEBUG_COMMAND, arguments=[argument]
            ),
        ),
    ]
