"""Which twins exist: the built-in ones and the user twins a project declares.

A user twin is a table in the nearest ``pyproject.toml`` (upward) that has ``[tool.azml]``::

    [tool.azml.envs.scoring]
    python = "3.8"
    requirements = ["pandas==1.1.5", "numpy==1.19.5"]   # or
    requirements-file = "requirements.txt"              # or
    conda-file = "environment.yml"                      # an Azure ML conda definition
    dialect = "designer"                                # or "classic"

Every package needs an exact ``==`` pin: the twin is installed without dependency resolution,
so the list is the whole closure. Paths are relative to the pyproject's folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.twins import BUILTIN_TWINS, Pin, TwinSpec, check_name
from azml_lsp.envs.errors import SpecError
from azml_lsp.settings import SettingsError, find_pyproject

ENV_KEYS = ("python", "requirements", "requirements-file", "conda-file", "dialect")
_SOURCES = ("requirements", "requirements-file", "conda-file")
_PYTHON = re.compile(r"^(\d+)\.(\d+)$")
_PIN = re.compile(
    r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$"
)
_CONDA_PIN = re.compile(
    r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)(?:=\S+)?$"
)
_NOT_PACKAGES = frozenset({"python", "pip"})
"""Conda entries that are the interpreter and its installer, not packages of the twin."""


def spec_of(name: str, project_dir: Path | None = None) -> TwinSpec:
    """The twin called ``name``: a built-in one or one the project declares; else SpecError."""
    if name in BUILTIN_TWINS:
        return BUILTIN_TWINS[name]
    declared, pyproject = _declared(project_dir)
    if name in declared:
        return declared[name]
    known = ", ".join([*BUILTIN_TWINS, *sorted(declared)])
    where = (
        f"[tool.azml.envs] of {pyproject}"
        if pyproject
        else "[tool.azml.envs.NAME] of pyproject.toml"
    )
    raise SpecError(f"unknown twin {name!r}: known twins are {known}; declare others in {where}")


def all_specs(project_dir: Path | None = None) -> list[TwinSpec]:
    """The built-in twins, then the project's user twins by name."""
    declared, _ = _declared(project_dir)
    return [*BUILTIN_TWINS.values(), *(declared[name] for name in sorted(declared))]


def user_specs(project_dir: Path | None = None) -> dict[str, TwinSpec]:
    """The twins declared in the project's ``[tool.azml.envs]``, by name."""
    return _declared(project_dir)[0]


def parse_pin(text: str, where: str) -> Pin:
    """A ``name==version`` requirement as a Pin, else SpecError naming ``where``."""
    match = _PIN.match(text.strip())
    if not match:
        raise SpecError(
            f"{where}: {text.strip()!r} is not an exact pin: write it as NAME==VERSION (the version "
            "the cloud environment has, e.g. from 'pip freeze' there; no ranges, extras or markers)"
        )
    return Pin(match.group(1), match.group(2))


def read_requirements_file(path: Path) -> list[Pin]:
    """The exact pins of a requirements.txt (comments and blank lines allowed, nothing else)."""
    text = _read(path)
    pins: list[Pin] = []
    lines = text.replace("\\\n", " ").splitlines()
    for number, raw in enumerate(lines, start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            raise SpecError(
                f"{path}:{number}: option {line.split()[0]!r} is not supported in a twin's "
                "requirements: list only NAME==VERSION lines"
            )
        if "--hash" in line:
            raise SpecError(
                f"{path}:{number}: hash options are not supported in a twin's requirements: "
                "remove the --hash options"
            )
        pins.append(parse_pin(line, f"{path}:{number}"))
    return pins


def read_conda_file(path: Path) -> tuple[str | None, list[Pin]]:
    """The ``X.Y`` Python (None when not given) and the exact pins of a conda environment file.

    Conda entries are ``name=version`` (a build string after a second ``=`` is ignored), pip
    entries ``name==version``; ``python`` gives the interpreter and ``pip`` itself is left out."""
    import yaml  # only conda files need it

    try:
        data = yaml.safe_load(_read(path))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: invalid YAML: {exc}".replace("\n", " ")) from exc
    deps = data.get("dependencies") if isinstance(data, dict) else None
    if not isinstance(deps, list):
        raise SpecError(f"{path}: no 'dependencies' list: this is not a conda environment file")
    python: str | None = None
    pins: list[Pin] = []
    for entry in deps:
        if isinstance(entry, dict) and set(entry) == {"pip"} and isinstance(entry["pip"], list):
            pins.extend(parse_pin(str(item), f"{path}: dependencies/pip") for item in entry["pip"])
            continue
        text = str(entry).strip().split("::")[-1]  # a channel prefix (conda-forge::numpy=...)
        match = _CONDA_PIN.match(text)
        if not match:
            bare = re.split(r"[\s=<>!~]", text, maxsplit=1)[0]
            if bare.lower() == "pip":
                continue
            raise SpecError(
                f"{path}: dependencies entry {text!r} is not an exact pin: write it as "
                f"{bare or 'NAME'}=VERSION (the version the cloud environment has)"
            )
        name, version = match.group(1), match.group(2)
        if name.lower() == "python":
            python = ".".join(version.split(".")[:2])
        elif name.lower() not in _NOT_PACKAGES:
            pins.append(Pin(name, version))
    return python, pins


def _declared(project_dir: Path | None) -> tuple[dict[str, TwinSpec], Path | None]:
    start = Path(project_dir if project_dir is not None else Path.cwd()).resolve()
    try:
        found = find_pyproject(start)
    except SettingsError as exc:
        raise SpecError(str(exc)) from None
    if found is None:
        return {}, None
    pyproject, table = found
    envs = table.get("envs", {})
    if not isinstance(envs, dict):
        raise SpecError(f"{pyproject}: [tool.azml] key 'envs' must be a table of twin tables")
    specs: dict[str, TwinSpec] = {}
    for name, values in envs.items():
        where = f"{pyproject}: [tool.azml.envs.{name}]"
        if not isinstance(values, dict):
            raise SpecError(f"{where} must be a table (python = ..., requirements = [...])")
        specs[name] = _user_spec(name, values, pyproject, where)
    return specs, pyproject


def _user_spec(name: str, values: Mapping[str, Any], pyproject: Path, where: str) -> TwinSpec:
    try:
        check_name(name)
    except ValueError as exc:
        raise SpecError(f"{where}: {exc}") from None
    if name in BUILTIN_TWINS:
        raise SpecError(f"{where}: {name!r} is a built-in twin; give the user twin another name")
    unknown = [key for key in values if key not in ENV_KEYS]
    if unknown:
        raise SpecError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(ENV_KEYS)}")
    given = [key for key in _SOURCES if key in values]
    if len(given) != 1:
        raise SpecError(f"{where}: give exactly one of {', '.join(_SOURCES)} (found {len(given)})")
    python = values.get("python")
    if python is not None and not (isinstance(python, str) and _PYTHON.match(python)):
        raise SpecError(f"{where} key 'python': {python!r} is not a version like \"3.8\"")
    dialect = values.get("dialect", Dialect.DESIGNER.value)
    try:
        parsed_dialect = Dialect.parse(dialect if isinstance(dialect, str) else repr(dialect))
    except ValueError as exc:
        raise SpecError(f"{where} key 'dialect': {exc}") from None
    source = given[0]
    pins, file_python, origin = _pins(values[source], source, pyproject, where)
    if file_python and python and file_python != python:
        raise SpecError(
            f"{where}: key 'python' says {python} but {origin} says python={file_python}: "
            "remove one of them"
        )
    python = python or file_python
    if python is None:
        raise SpecError(f"{where}: key 'python' is missing: add e.g. python = \"3.8\"")
    _check_unique(pins, where)
    return TwinSpec(
        name=name,
        title=f"user twin from {pyproject}",
        dialect=parsed_dialect,
        python=python,
        cloud_python=python,
        packages=tuple(pins),
        sources=(origin,),
        builtin=False,
    )


def _pins(value: Any, key: str, pyproject: Path, where: str) -> tuple[list[Pin], str | None, str]:
    """The pins a source key gives, the Python its file names (conda), and where they came from."""
    if key == "requirements":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"{where} key 'requirements' must be a list like [\"pandas==1.1.5\"]")
        return [parse_pin(v, f"{where} key 'requirements'") for v in value], None, str(pyproject)
    if not isinstance(value, str) or not value:
        raise SpecError(f"{where} key {key!r} must be a path (relative to {pyproject.parent})")
    path = (pyproject.parent / value).resolve()
    if key == "requirements-file":
        return read_requirements_file(path), None, str(path)
    python, pins = read_conda_file(path)
    return pins, python, str(path)


def _check_unique(pins: Iterable[Pin], where: str) -> None:
    seen: set[str] = set()
    for pin in pins:
        key = normalise(pin.name)
        if key in seen:
            raise SpecError(f"{where}: {pin.name} is pinned twice: keep one version")
        seen.add(key)


def normalise(name: str) -> str:
    """A distribution name as PyPI compares it (``Scikit_Learn`` -> ``scikit-learn``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(
            f"{path}: file not found: fix the path (relative to the pyproject)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
