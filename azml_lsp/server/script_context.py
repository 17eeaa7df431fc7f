"""What the server knows of one script: its path, declared settings and effective options."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pygls.uris import to_fs_path

from azml_lsp.checker.config import twin_target
from azml_lsp.contract import DEFAULT_DIALECT, Dialect
from azml_lsp.server.config import ServerConfig
from azml_lsp.settings import ScriptSettings, SettingsError, load_settings

_WHERE = re.compile(r":(\d+):")


@dataclass(frozen=True)
class ScriptContext:
    """The effective options of a script: its declared settings over the server's defaults."""

    path: str | None
    settings: ScriptSettings = field(default_factory=ScriptSettings)
    dialect: Dialect = DEFAULT_DIALECT
    target_python: str | None = None
    env: str | None = None
    """Where runs happen, as declared: the script's ``env`` (header, pyproject), else the
    server's; None: the runtime's default (the dialect's twin when created)."""
    cloud_pandas: str | None = None
    """The pandas of the twin ``env`` names, which the checker's pandas rules compare with."""
    settings_error: str | None = None
    """Why the declared settings could not be read (shown as a diagnostic)."""

    @property
    def bundle(self) -> str | None:
        return self.settings.bundle

    @property
    def folder(self) -> str:
        return str(Path(self.path).parent) if self.path else str(Path.cwd())

    def settings_error_line(self) -> int:
        """The 1-based script line a settings error names (1 when it names another file)."""
        if (
            not self.settings_error
            or not self.path
            or not self.settings_error.startswith(self.path)
        ):
            return 1
        match = _WHERE.match(self.settings_error[len(self.path) :])
        return int(match.group(1)) if match else 1


def path_of(uri: str) -> str | None:
    """The file system path of a ``file:`` URI, None for other schemes."""
    return to_fs_path(uri) if uri.startswith("file:") else None


def script_context(uri: str, source: str, config: ServerConfig) -> ScriptContext:
    """Read the script's declared settings (header, pyproject) and merge the server's defaults."""
    path = path_of(uri)
    settings, error = ScriptSettings(), None
    if path is not None:
        try:
            settings = load_settings(path, source)
        except (SettingsError, OSError) as exc:
            error = str(exc)
    # the strongest source that says where runs happen decides (see settings.where_runs)
    declared = settings.env is not None or settings.python is not None
    env = settings.env if declared else config.env
    twin: dict[str, str] = {}
    try:
        twin = twin_target(env, Path(path).parent if path else Path.cwd())
    except ValueError as exc:
        error = error or str(exc)
    script_twin, config_twin = (twin, {}) if declared else ({}, twin)
    configured = config.dialect.value if config.dialect else None
    dialect = (
        settings.dialect
        or script_twin.get("dialect")
        or configured
        or config_twin.get("dialect")
        or DEFAULT_DIALECT.value
    )
    target = (
        settings.target_python
        or script_twin.get("python")
        or config.target_python
        or config_twin.get("python")
    )
    return ScriptContext(
        path=path,
        settings=settings,
        dialect=Dialect.parse(dialect),
        target_python=target,
        env=env,
        cloud_pandas=twin.get("pandas"),
        settings_error=error,
    )
