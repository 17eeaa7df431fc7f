"""What ``azml serve`` is asked to serve, and how."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from azml_lsp.contract.dialects import DEFAULT_DIALECT, Dialect
from azml_lsp.harness.template import IN_PROCESS
from azml_lsp.runtime.model import DEFAULT_MEMORY_MB, RunRequest, TwinTarget
from azml_lsp.serve.schema import TableSchema
from azml_lsp.settings import ISOLATIONS

__all__ = ["ISOLATIONS", "ServeConfig", "uses_script_hosts", "with_environment"]

#: The classic request-response service's default concurrency limit (CONTRACT.md section 9).
DEFAULT_MAX_CONCURRENT = 20
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_WORKERS = 2
Isolation = Literal["request", "reimport", "worker"]
#: The isolation that matches what a dialect's web service starts each request from
#: (``DialectProfile.web_service_state``): classic ran the module on every call, nothing kept
#: (``request``: every module as the import left it, in a forked process); the designer
#: re-imports the script on every request in a process that lives on (``reimport``).
ISOLATION_FOR_STATE: dict[str, Isolation] = {"fresh": "request", "reimported": "reimport"}
#: Extra seconds the server waits past the run's own timeout before it kills the run itself.
WATCHDOG_GRACE_S = 10.0


@dataclass
class ServeConfig:
    """One served script and the limits it is served with."""

    script: Path
    bundle: Path | None = None
    dialect: Dialect = DEFAULT_DIALECT
    workers: int = DEFAULT_WORKERS
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int | None = DEFAULT_MEMORY_MB
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    api_key: str | None = field(default=None, repr=False)
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    """Expected columns per input name (``input1``, ``input2``), from sample datasets."""
    isolation: Isolation | None = None
    """``request``: fresh module state per request (the script forked from a template that
    imported it); ``reimport``: the script's module imported again for each request in the
    warm worker (the modules it imports keep their state); ``worker``: the script imported
    once per worker, called per request. None: the dialect's (:func:`default_isolation`)."""
    python: str | None = None
    env: str | None = None
    """Where requests run: a cloud twin's name or ``local``; None: the runtime's default (the
    dialect's twin when created). :func:`with_environment` settles it once, at start."""
    environment: str = ""
    """Where requests run, in words (filled in by :func:`with_environment`)."""
    environment_note: str = ""
    """A line for the operator about the environment (e.g. how to create the twin)."""
    twin: TwinTarget | None = None
    """The cloud twin requests run in (filled in by :func:`with_environment`); None: here or
    ``python``."""

    def __post_init__(self) -> None:
        if self.isolation is None:  # --python gives request isolation only (a run per call)
            self.isolation = "request" if self.python else default_isolation(self.dialect)


def default_isolation(dialect: Dialect) -> Isolation:
    """The isolation that matches how ``dialect``'s web service treats module state."""
    from azml_lsp.contract.profile import PROFILES

    return ISOLATION_FOR_STATE[PROFILES[dialect].web_service_state]


def with_environment(config: ServeConfig) -> ServeConfig:
    """``config`` with its environment settled: the twin (or ``local``) every request runs in,
    and its description. ValueError when it cannot be used (an unknown or uncreated twin,
    ``python`` and ``env`` both given)."""
    if config.environment:
        return config
    from azml_lsp.contract.twins import LOCAL
    from azml_lsp.runtime.runner import resolve_environment

    # calls made in a warm process (a host here, a twin's template): --python runs each alone
    if config.python is not None and config.isolation in IN_PROCESS:
        raise ValueError(
            f"--isolation {config.isolation} needs a warm process, which --python does not "
            "give (each request is a run there): serve with --env TWIN or --isolation request"
        )
    env = config.env
    request = RunRequest(
        script=str(config.script),
        dialect=config.dialect.value,
        python=config.python,
        env=env,
    )
    twin, note = resolve_environment(request, config.dialect, config.script.parent)
    if twin is not None:
        return replace(config, env=twin.name, environment=twin.summary, twin=twin)
    if config.python is not None:
        return replace(config, environment=f"python: {config.python}")
    here = f"{LOCAL}: Python {platform.python_version()}" + _pandas_version()
    return replace(config, env=LOCAL, environment=here, environment_note=note)


def _pandas_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f", pandas {version('pandas')}"
    except PackageNotFoundError:
        return ""


def uses_script_hosts(config: ServeConfig) -> bool:
    """Whether requests run in script hosts (here, or with a template in a cloud twin) rather
    than through the runtime's warm worker (``--python``)."""
    return config.python is None
