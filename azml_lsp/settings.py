"""Per-script settings, declared once and read by ``azml run``, ``azml check`` and the server.

Sources, strongest first (explicit CLI/LSP arguments win over all of them, see
:meth:`ScriptSettings.merged`):

1. a header comment in the first 20 lines of the script::

       # azml: dataset1=data/train.csv bundle=lib/ dialect=classic target-python=3.5

   paths are relative to the script's folder;
2. the script's table in the nearest ``pyproject.toml`` upward that has ``[tool.azml]``::

       [tool.azml.scripts."jobs/score.py"]
       dataset1 = "data/train.csv"

   the script path and the paths in it are relative to the pyproject's folder;
3. ``[tool.azml]`` itself (``dialect``, ``target-python``, ``select``, ``ignore``, ``timeout``,
   ``python``, ``sandbox``, ``env``, ``isolation``).

``python`` and ``env`` both say where runs happen, so the strongest source that sets either one
decides: a header's ``env=classic-py27`` wins over ``python = "..."`` in ``[tool.azml]``.

Bad TOML, unknown keys and bad values raise :class:`SettingsError` naming the file and key.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azml_lsp import atomic
from azml_lsp.contract import Dialect

HEADER_LINES = 20
_HEADER = re.compile(r"^\s*#\s*azml:(.*)$")
_TARGET = re.compile(r"^\d+\.\d+$")
_SUPPRESSION = re.compile(r"^(ignore|noqa)(\[.*\])?$", re.IGNORECASE)
_TOKEN = re.compile(r"""(?:[^\s"']+|"[^"]*"|'[^']*')+""")
_TABLE_HEADER = re.compile(r"^\s*\[\[?[^\[\]]+\]\]?\s*(#.*)?$")

ISOLATIONS = ("request", "reimport", "worker")
"""How ``azml serve`` isolates requests (``azml_lsp.serve.config``)."""
GENERAL_KEYS = (
    "dialect",
    "target-python",
    "select",
    "ignore",
    "timeout",
    "python",
    "sandbox",
    "env",
    "isolation",
)
TABLE_KEYS = ("scripts", "envs")
"""Tables under ``[tool.azml]``: per-script settings, and user twins (read by ``azml_lsp.envs``)."""
INPUT_KEYS = ("dataset1", "dataset2", "bundle")
PATH_KEYS = frozenset(INPUT_KEYS)
SCRIPT_KEYS = INPUT_KEYS + GENERAL_KEYS


class SettingsError(ValueError):
    """A settings file or header is wrong; the message names the file, the key and the fix."""


@dataclass
class ScriptSettings:
    """The settings of one script; ``None`` (or an empty list) means "not set"."""

    dialect: str | None = None
    target_python: str | None = None
    dataset1: str | None = None
    dataset2: str | None = None
    bundle: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    timeout: float | None = None
    python: str | None = None
    sandbox: str | None = None
    env: str | None = None
    """The environment runs use: a cloud twin's name or ``local``."""
    isolation: str | None = None
    """How ``azml serve`` isolates requests: ``request`` or ``worker``."""
    sources: list[str] = field(default_factory=list)
    """Where the values came from: ``path:line`` of a header, ``pyproject.toml [table]``."""

    def merged(self, **overrides: Any) -> ScriptSettings:
        """A copy where every override that is not ``None`` wins.

        ``python`` and ``env`` both say where runs happen: an override of one drops the other
        unless it is overridden too (see :func:`where_runs`)."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(overrides) - names
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values = where_runs({k: v for k, v in overrides.items() if v is not None})
        return dataclasses.replace(self, **values)


def load_settings(script_path: str | Path, source: str | None = None) -> ScriptSettings:
    """Merge ``[tool.azml]``, the script's table and the script's header (strongest last)."""
    script = Path(script_path).resolve()
    settings = ScriptSettings()
    found = find_pyproject(script.parent)
    if found is not None:
        pyproject, table = found
        _apply(settings, _general(table, pyproject), pyproject.parent)
        settings.sources.append(f"{pyproject} [tool.azml]")
        entry = _script_table(table, pyproject, script)
        if entry is not None:
            key, values = entry
            _apply(settings, _checked(values, SCRIPT_KEYS, pyproject, key), pyproject.parent)
            settings.sources.append(f'{pyproject} [tool.azml.scripts."{key}"]')
    if source is None:
        try:
            source = script.read_text(encoding="utf-8", errors="replace")
        except OSError:
            source = ""
    for line_no, values in _header_values(source, script):
        _apply(settings, values, script.parent)
        settings.sources.append(f"{script}:{line_no}")
    return settings


def declaring_script(module_path: str | Path, max_depth: int = 3) -> Path | None:
    """The script that declares a folder holding ``module_path`` as its Script Bundle, found
    among the ``.py`` files beside that folder (its header or its pyproject table), or None.

    Lets editors tell a bundle's helper module from a script that lacks its entry point."""
    module = Path(module_path).resolve()
    for folder in list(module.parents)[:max_depth]:
        try:
            neighbours = sorted(folder.parent.glob("*.py"))[:50]
        except OSError:
            continue
        for script in neighbours:
            try:
                declared = load_settings(script).bundle
            except (SettingsError, OSError):
                continue
            if declared and Path(declared).resolve() == folder:
                return script
    return None


def find_pyproject(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``pyproject.toml`` from ``start`` upward with a ``[tool.azml]`` table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = read_pyproject(candidate).get("tool", {}).get("azml")
            if isinstance(table, dict):
                return candidate, table
    return None


def read_pyproject(path: Path) -> dict[str, Any]:
    """Parse a pyproject file, or raise SettingsError naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}; fix the file or remove it") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read: {exc}") from exc


def _general(table: Mapping[str, Any], pyproject: Path) -> dict[str, Any]:
    values = {k: v for k, v in table.items() if k not in TABLE_KEYS}
    scripts = table.get("scripts", {})
    if not isinstance(scripts, dict):
        raise SettingsError(
            f"{pyproject}: [tool.azml] key 'scripts' must be a table of per-script tables"
        )
    return _checked(values, GENERAL_KEYS, pyproject, None)


def _script_table(
    table: Mapping[str, Any], pyproject: Path, script: Path
) -> tuple[str, dict[str, Any]] | None:
    scripts = table.get("scripts", {})
    wanted = _relative_key(script, pyproject.parent)
    for key, values in scripts.items():
        if _normalise_key(key) == wanted:
            if not isinstance(values, dict):
                raise SettingsError(f'{pyproject}: [tool.azml.scripts] key "{key}" must be a table')
            return key, values
    return None


def _relative_key(script: Path, root: Path) -> str:
    try:
        return script.relative_to(root.resolve()).as_posix()
    except ValueError:
        return script.as_posix()


def _normalise_key(key: str) -> str:
    text = key.replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def _checked(
    values: Mapping[str, Any], allowed: tuple[str, ...], origin: Path, script_key: str | None
) -> dict[str, Any]:
    where = "[tool.azml]" if script_key is None else f'[tool.azml.scripts."{script_key}"]'
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in allowed:
            raise SettingsError(
                f"{origin}: unknown key {key!r} in {where}; known keys: {', '.join(allowed)}"
            )
        out[key] = _validated(key, value, f"{origin}: {where} key {key!r}")
    return out


def _validated(key: str, value: Any, where: str) -> Any:
    if key in ("select", "ignore"):
        if isinstance(value, str):
            value = [v for v in re.split(r"[,\s]+", value) if v]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{where}: expected a list of rule codes such as ['AZ101']")
        return value
    if key == "timeout":
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if isinstance(value, bool) or number <= 0:
            raise SettingsError(f"{where}: expected a positive number of seconds, got {value!r}")
        return number
    if not isinstance(value, str):
        raise SettingsError(f"{where}: expected a string, got {value!r}")
    if key == "dialect":
        try:
            return Dialect.parse(value).value
        except ValueError as exc:
            raise SettingsError(f"{where}: {exc}") from None
    if key == "isolation" and value not in ISOLATIONS:
        raise SettingsError(f"{where}: expected one of {', '.join(ISOLATIONS)}, got {value!r}")
    if key == "target-python" and not _TARGET.match(value):
        raise SettingsError(f"{where}: expected a version such as 3.8, got {value!r}")
    return value


def where_runs(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` of one source, with ``python``/``env`` completed so that the source that sets
    either of them decides where runs happen: setting only one clears the other (declared by a
    weaker source). A source that sets both is passed on as it is, for the runner to refuse."""
    out = dict(values)
    if "env" in out and "python" not in out:
        out["python"] = None
    elif "python" in out and "env" not in out:
        out["env"] = None
    return out


def _apply(settings: ScriptSettings, values: Mapping[str, Any], base: Path) -> None:
    values = where_runs(values)
    for key, value in values.items():
        if value is None:
            setattr(settings, key.replace("-", "_"), None)
            continue
        if key in PATH_KEYS or (key == "python" and ("/" in value or "\\" in value)):
            value = str((base / value).resolve())
        setattr(settings, key.replace("-", "_"), value)


def _header_values(source: str, script: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(source.splitlines()[:HEADER_LINES], start=1):
        match = _HEADER.match(line)
        if match is None:
            continue
        where = f"{script}:{number}"
        text = match.group(1)
        if text.count('"') % 2 or text.count("'") % 2:
            raise SettingsError(f"{where}: unbalanced quotes in the '# azml:' header")
        values: dict[str, Any] = {}
        for token in _TOKEN.findall(text):
            if "=" not in token:
                if _SUPPRESSION.match(token):
                    continue
                raise SettingsError(
                    f"{where}: '{token}' in the '# azml:' header is not key=value; "
                    f"known keys: {', '.join(SCRIPT_KEYS)}"
                )
            key, _, value = token.partition("=")
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            if key not in SCRIPT_KEYS:
                raise SettingsError(
                    f"{where}: unknown key {key!r} in the '# azml:' header; "
                    f"known keys: {', '.join(SCRIPT_KEYS)}"
                )
            values[key] = _validated(key, value, f"{where}: header key {key!r}")
        if values:
            yield number, values


def save_script_inputs(
    script_path: str | Path,
    dataset1: str | Path | None = None,
    dataset2: str | Path | None = None,
    bundle: str | Path | None = None,
) -> Path:
    """Write the script's inputs into its ``[tool.azml.scripts."..."]`` table; return the file.

    Uses the pyproject that :func:`load_settings` reads (or the nearest ``pyproject.toml``, or a
    new one beside the script). ``None`` leaves a key as it is; ``""`` removes it. Everything
    else in the file is kept byte for byte; the file is replaced atomically.
    """
    script = Path(script_path).resolve()
    found = find_pyproject(script.parent)
    pyproject = found[0] if found else _nearest_pyproject(script.parent)
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if text:
        read_pyproject(pyproject)
    root = pyproject.parent
    key = _relative_key(script, root)
    updates: dict[str, str | None] = {}
    for name, value in (("dataset1", dataset1), ("dataset2", dataset2), ("bundle", bundle)):
        if value is not None:
            updates[name] = _stored_path(value, root) if str(value) else None
    new_text = _with_table_values(text, ("tool", "azml", "scripts", key), updates, pyproject)
    pyproject.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(pyproject, new_text)
    return pyproject


def _nearest_pyproject(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder / "pyproject.toml"
    return start / "pyproject.toml"


def _stored_path(value: str | Path, root: Path) -> str:
    path = Path(value).resolve()
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _header_path(line: str) -> tuple[str, ...] | None:
    if not _TABLE_HEADER.match(line) or line.lstrip().startswith("[["):
        return None
    try:
        parsed: Any = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        name = next(iter(parsed))
        path.append(name)
        parsed = parsed[name]
    return tuple(path)


def _with_table_values(
    text: str, table: tuple[str, ...], updates: Mapping[str, str | None], origin: Path
) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if _header_path(line) == table), None)
    if start is None:
        if _lookup(tomllib.loads(text), table) is not None:
            raise SettingsError(
                f"{origin}: the table for {table[-1]!r} is written inline; write it as "
                f'[tool.azml.scripts."{table[-1]}"] so it can be updated'
            )
        body = [f"{k} = {json.dumps(v)}\n" for k, v in updates.items() if v is not None]
        if not body:
            return text
        header = f"[tool.azml.scripts.{json.dumps(table[-1])}]\n"
        gap = ["\n"] if lines and lines[-1].strip() else []
        return "".join([*lines, *gap, header, *body])
    end = next(
        (i for i in range(start + 1, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines)
    )
    body = lines[start + 1 : end]
    for name, value in updates.items():
        pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
        index = next((i for i, line in enumerate(body) if pattern.match(line)), None)
        new_line = None if value is None else f"{name} = {json.dumps(value)}\n"
        if index is not None:
            body[index : index + 1] = [] if new_line is None else [new_line]
        elif new_line is not None:
            last = max((i for i, line in enumerate(body) if line.strip()), default=-1)
            body.insert(last + 1, new_line)
    new_text = "".join([*lines[: start + 1], *body, *lines[end:]])
    tomllib.loads(new_text)
    return new_text


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    current: Any = data
    for name in path:
        if not isinstance(current, Mapping) or name not in current:
            return None
        current = current[name]
    return current
