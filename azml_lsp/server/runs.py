"""Runs started from the editor: the ``azml.run`` / ``azml.debug`` argument and its RunRequest."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from azml_lsp.contract import Dialect
from azml_lsp.runtime.model import DEFAULT_TIMEOUT_S, DebugOptions, RunRequest, RunResult
from azml_lsp.server.config import ServerConfig
from azml_lsp.server.script_context import ScriptContext, path_of

_ARGUMENT_KEYS = ("uri", "dataset1", "dataset2", "bundle", "dialect", "env")


class CommandError(ValueError):
    """A command argument is wrong; the message says which field and what to give."""


@dataclass(frozen=True)
class RunArguments:
    """The one argument of ``azml.run`` and ``azml.debug``; given values win over settings."""

    uri: str
    dataset1: str | None = None
    dataset2: str | None = None
    bundle: str | None = None
    dialect: str | None = None
    env: str | None = None
    """Where the run happens: a cloud twin's name or ``local``."""

    @classmethod
    def parse(cls, command: str, arguments: Any) -> RunArguments:
        if (
            not isinstance(arguments, list | tuple)
            or len(arguments) != 1
            or not isinstance(arguments[0], dict)
        ):
            raise CommandError(
                f'{command}: expected one argument {{"uri": ..., "dataset1"?: ...}}, got {arguments!r}'
            )
        given = arguments[0]
        unknown = sorted(set(given) - set(_ARGUMENT_KEYS))
        if unknown:
            raise CommandError(
                f"{command}: unknown field(s) {', '.join(unknown)}; known: {', '.join(_ARGUMENT_KEYS)}"
            )
        for key, value in given.items():
            if value is not None and not isinstance(value, str):
                raise CommandError(f"{command}: field {key!r} must be a string, got {value!r}")
        if not given.get("uri"):
            raise CommandError(f'{command}: field "uri" is required (the script\'s file URI)')
        if path_of(given["uri"]) is None:
            raise CommandError(f"{command}: field 'uri' must be a file: URI, got {given['uri']!r}")
        if given.get("dialect") is not None:
            try:
                Dialect.parse(given["dialect"])
            except ValueError as exc:
                raise CommandError(f"{command}: field 'dialect': {exc}") from None
        if given.get("env") is not None:
            from azml_lsp.contract.twins import LOCAL, check_name

            try:
                if given["env"] != LOCAL:
                    check_name(given["env"])
            except ValueError as exc:
                raise CommandError(f"{command}: field 'env': {exc}") from None
        return cls(**given)


def _resolve(value: str | None, base: str) -> str | None:
    if value is None:
        return None
    local = path_of(value) if value.startswith("file:") else value
    return str((Path(base) / Path(local or value).expanduser()).resolve())


def build_request(
    arguments: RunArguments,
    context: ScriptContext,
    config: ServerConfig,
    script: str,
    out_root: str,
    debug: DebugOptions | None = None,
) -> RunRequest:
    """The request of a run from the editor: arguments, then script settings, then server settings."""
    settings = context.settings
    base = context.folder
    timeout = settings.timeout or config.timeout
    if timeout is None:
        timeout = None if debug is not None else DEFAULT_TIMEOUT_S
    python, env = where_runs(arguments, context, config)
    return RunRequest(
        script=script,
        dataset1=_resolve(arguments.dataset1, base) or settings.dataset1,
        dataset2=_resolve(arguments.dataset2, base) or settings.dataset2,
        bundle=_resolve(arguments.bundle, base) or settings.bundle,
        dialect=Dialect.parse(arguments.dialect).value
        if arguments.dialect
        else context.dialect.value,
        out_dir=str(Path(out_root) / "azml-out" / Path(context.path or script).stem),
        timeout_s=timeout,
        sandbox="strict" if settings.sandbox == "strict" else "off",
        python=python,
        env=env,
        target_python=context.target_python,
        debug=debug,
    )


def where_runs(
    arguments: RunArguments, context: ScriptContext, config: ServerConfig
) -> tuple[str | None, str | None]:
    """The ``python`` and ``env`` of a run: the argument's ``env``, else the script's settings
    when they name either, else the server's (where ``env`` wins over ``python``).

    A ``python`` setting naming the server's own interpreter (what editors send) selects
    nothing: the runtime's default then applies, as for ``azml run``."""
    settings = context.settings
    if arguments.env is not None:
        return None, arguments.env
    if settings.env is not None or settings.python is not None:
        return settings.python, settings.env
    if config.env is not None:
        return None, config.env
    python = config.python
    if python is not None and os.path.abspath(python) == os.path.abspath(sys.executable):
        python = None
    return python, None


def script_to_run(path: str, source: str) -> str:
    """The file to run: the script itself when the editor's text is saved, else a copy of the text.

    The copy lives in the temp folder under the script's own file name, so tracebacks read alike.
    """
    try:
        on_disk = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        on_disk = None
    if on_disk == source:
        return path
    digest = hashlib.sha256(f"{path}\0{source}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "azml-lsp-unsaved" / digest
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / Path(path).name
    copy.write_text(source, encoding="utf-8", errors="surrogatepass")
    return str(copy)


def map_copy_back(result: RunResult, copy: str, path: str) -> RunResult:
    """Name the user's script, not the unsaved-text copy, in a result."""
    if copy == path:
        return result
    result.script = path
    if result.error is not None:
        frames = [replace(f, path=path) if f.path == copy else f for f in result.error.frames]
        result.error = replace(
            result.error, frames=frames, traceback=result.error.traceback.replace(copy, path)
        )
    return result


def progress_message(event: dict[str, Any]) -> tuple[str, int | None] | None:
    """A progress line (and percentage) for a runtime event, None for events not worth showing."""
    kind = event.get("event")
    if kind == "stage":
        return {
            "read": "reading inputs",
            "import": "importing the script",
            "call": "calling azureml_main",
            "write": "writing outputs",
        }.get(str(event.get("stage")), str(event.get("stage"))), None
    if kind == "progress" and event.get("total"):
        done, total = int(event.get("done", 0)), int(event["total"])
        return f"Dataset{event.get('port', '')}: {done}/{total}", min(
            100, 100 * done // max(total, 1)
        )
    if kind == "debug_listening":
        return f"waiting for a debugger on {event.get('host')}:{event.get('port')}", None
    return None
