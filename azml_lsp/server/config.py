"""Server settings: from ``initializationOptions`` and ``workspace/didChangeConfiguration``.

Both may give the values directly or under an ``azml`` section::

    {"azml": {"dialect": "classic", "targetPython": "3.5", "python": "/usr/bin/python3",
              "env": "classic-py27", "timeout": 120, "diagnosticsDelay": 0.03,
              "prestartWorker": false}}

``env`` is where runs happen (a cloud twin's name or ``local``); it wins over ``python`` here, as
editors send the interpreter that runs the server as ``python``. A script's own ``env`` or
``python`` (header, ``pyproject.toml``) wins over both.

Per-script inputs (datasets, bundle) are not here: they come from the script's header comment and
``pyproject.toml`` (``azml_lsp.settings``); the arguments of a command win over both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from azml_lsp.contract import Dialect

SECTION = "azml"
_KEYS = {
    "dialect": "dialect",
    "targetPython": "target_python",
    "target_python": "target_python",
    "target-python": "target_python",
    "python": "python",
    "env": "env",
    "timeout": "timeout",
    "diagnosticsDelay": "diagnostics_delay",
    "prestartWorker": "prestart_worker",
}


class ConfigError(ValueError):
    """A server setting has a bad value; the message names the key and what to give."""


@dataclass(frozen=True)
class ServerConfig:
    """Editor-wide defaults; a script's own settings win over them where both are given."""

    dialect: Dialect | None = None
    target_python: str | None = None
    python: str | None = None
    env: str | None = None
    """Where runs happen when the script does not say: a cloud twin's name or ``local``."""
    timeout: float | None = None
    diagnostics_delay: float = 0.03
    """Seconds to wait after a change before checking, so fast typing checks once."""
    prestart_worker: bool = False
    """Start the warm run worker right after initialize instead of at the first Run."""

    def updated(self, options: Any) -> ServerConfig:
        """A copy with the values of ``options`` (a dict, optionally under ``azml``); ``null``
        puts a setting back to its default, unknown keys are left to other tools."""
        if not isinstance(options, dict):
            return self
        section = options.get(SECTION, options)
        if not isinstance(section, dict):
            raise ConfigError(f"setting '{SECTION}' must be an object, got {section!r}")
        values: dict[str, Any] = {}
        defaults = ServerConfig()
        for key, value in section.items():
            name = _KEYS.get(key)
            if name is None:
                continue
            values[name] = (
                getattr(defaults, name) if value is None else _validated(name, key, value)
            )
        return replace(self, **values)


def _validated(name: str, key: str, value: Any) -> Any:
    if name == "dialect":
        try:
            return Dialect.parse(str(value))
        except ValueError as exc:
            raise ConfigError(f"setting '{SECTION}.{key}': {exc}") from None
    if name in ("timeout", "diagnostics_delay"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(
                f"setting '{SECTION}.{key}': expected seconds (a number >= 0), got {value!r}"
            )
        return float(value)
    if name == "prestart_worker":
        if not isinstance(value, bool):
            raise ConfigError(f"setting '{SECTION}.{key}': expected true or false, got {value!r}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"setting '{SECTION}.{key}': expected a string, got {value!r}")
    if name == "env":
        return _environment(key, value)
    return value


def _environment(key: str, value: str) -> str | None:
    """A twin's name or ``local``; an empty string means "not set"."""
    from azml_lsp.contract.twins import LOCAL, check_name

    text = value.strip()
    if not text:
        return None
    try:
        return text if text == LOCAL else check_name(text)
    except ValueError as exc:
        raise ConfigError(f"setting '{SECTION}.{key}': {exc}") from None
