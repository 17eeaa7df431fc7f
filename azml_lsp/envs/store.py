"""Where twins live and what a created twin is.

Twins live in the user's cache (:func:`azml_lsp.cache.cache_root`), one folder each::

    <root>/twins/<name>/twin.json   what was built: interpreter, versions, spec, digest, size
    <root>/twins/<name>/site/       the packages (``pip install --target``)
    <root>/pip-cache/               pip's cache (``$AZML_PIP_CACHE`` overrides it), and in it
    <root>/pip-cache/wheelhouse/<tag>/  the downloaded wheels, per kind of interpreter

A twin folder appears and is replaced by renames only (see :mod:`azml_lsp.envs.create`), so a
reader sees an old complete twin, a new complete one, or none.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azml_lsp import atomic
from azml_lsp.cache import cache_root
from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.twins import Pin, TwinSpec, check_name
from azml_lsp.envs.layout import RECORD, SITE, twins_root
from azml_lsp.envs.specs import all_specs, spec_of

__all__ = [
    "InstalledTwin",
    "all_specs",
    "created_names",
    "installed",
    "lookup",
    "pip_cache",
    "remove",
    "spec_digest",
    "spec_of",
    "twin_folder",
    "twins_root",
]

_FORMAT = 1


def twin_folder(name: str) -> Path:
    """The folder of twin ``name`` (whether or not it is created)."""
    return twins_root() / check_name(name)


def pip_cache() -> Path:
    """pip's download cache: ``$AZML_PIP_CACHE``, else ``pip-cache`` in the cache root."""
    explicit = os.environ.get("AZML_PIP_CACHE")
    return Path(explicit) if explicit else cache_root() / "pip-cache"


def spec_digest(spec: TwinSpec) -> str:
    """sha256 of what decides a twin's contents: its Python and its exact requirements."""
    text = json.dumps({"python": spec.python, "requirements": sorted(spec.requirements)})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class InstalledTwin:
    """A created twin: run ``python`` with ``site`` added as a site folder."""

    name: str
    python: str
    """The interpreter's executable."""
    python_version: str
    """Its full version: ``2.7.18``."""
    site: str
    """The folder the packages were installed into."""
    packages: dict[str, str]
    """Distribution -> version, as the probe read them after the install."""
    spec: TwinSpec
    """The spec the twin was built from (the current one may have moved on: see ``digest``)."""
    folder: Path
    digest: str = ""
    created: str = ""
    """When it was built (ISO 8601, UTC)."""
    size: int = 0
    """Bytes on disk when it was built."""

    def summary(self) -> str:
        """Where a run happens, in words: ``designer twin: Python 3.8.18, pandas 1.1.5``."""
        return self.spec.summary(self.python_version)

    def matches(self, spec: TwinSpec) -> bool:
        """True when the twin was built from ``spec``'s Python and pins."""
        return self.digest == spec_digest(spec)


def installed(name: str) -> InstalledTwin | None:
    """The created twin ``name``; None when not created, unreadable or its interpreter is gone."""
    return lookup(name)[0]


def lookup(name: str) -> tuple[InstalledTwin | None, str | None]:
    """The created twin ``name``, or None and why it cannot be used (None when not created)."""
    try:
        folder = twin_folder(name)
    except ValueError:
        return None, None
    record = folder / RECORD
    if not record.is_file():
        return None, None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        twin = _from_record(name, folder, data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return (
            None,
            f"{record} is unreadable ({exc}): re-create it with azml env create {name} --force",
        )
    if not os.access(twin.python, os.X_OK):
        return None, (
            f"its interpreter {twin.python} is gone: re-create it with azml env create {name} --force"
        )
    if not Path(twin.site).is_dir():
        return (
            None,
            f"its folder {twin.site} is gone: re-create it with azml env create {name} --force",
        )
    return twin, None


def created_names() -> list[str]:
    """The names of the twin folders in the store (created twins, usable or not)."""
    try:
        children = sorted(twins_root().iterdir())
    except OSError:
        return []
    return [p.name for p in children if not p.name.startswith(".") and (p / RECORD).is_file()]


def write_record(folder: Path, twin: InstalledTwin) -> None:
    """Write ``twin.json`` into ``folder``."""
    data = {
        "format": _FORMAT,
        "name": twin.name,
        "digest": twin.digest,
        "python": twin.python,
        "python_version": twin.python_version,
        "site": twin.site,
        "packages": twin.packages,
        "created": twin.created,
        "size": twin.size,
        "spec": spec_to_json(twin.spec),
    }
    atomic.write_text(folder / RECORD, json.dumps(data, indent=2, sort_keys=True) + "\n")


def spec_to_json(spec: TwinSpec) -> dict[str, Any]:
    """A TwinSpec as plain JSON data."""
    data: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(spec)))
    return data


def spec_from_json(data: dict[str, Any]) -> TwinSpec:
    """The TwinSpec :func:`spec_to_json` wrote; keys this version does not know are ignored."""
    known = {f.name for f in dataclasses.fields(TwinSpec)}
    values = {k: v for k, v in data.items() if k in known}
    values["dialect"] = Dialect(values["dialect"])
    values["packages"] = tuple(_pin(p) for p in values.get("packages", ()))
    if values.get("debugger"):
        values["debugger"] = _pin(values["debugger"])
    for key in ("sources", "deviations"):
        if key in values:
            values[key] = tuple(values[key])
    if "imports" in values:
        values["imports"] = tuple(tuple(pair) for pair in values["imports"])
    return TwinSpec(**values)


def _pin(data: dict[str, Any]) -> Pin:
    known = {f.name for f in dataclasses.fields(Pin)}
    return Pin(**{k: v for k, v in data.items() if k in known})


def _from_record(name: str, folder: Path, data: dict[str, Any]) -> InstalledTwin:
    if data.get("name") != name:
        raise ValueError(f"it names twin {data.get('name')!r}")
    return InstalledTwin(
        name=name,
        python=str(data["python"]),
        python_version=str(data["python_version"]),
        site=str(folder / SITE),
        packages={str(k): str(v) for k, v in dict(data["packages"]).items()},
        spec=spec_from_json(data["spec"]),
        folder=folder,
        digest=str(data.get("digest", "")),
        created=str(data.get("created", "")),
        size=int(data.get("size", 0)),
    )


@contextlib.contextmanager
def locked(name: str) -> Iterator[None]:
    """Hold twin ``name``'s lock (between processes; a no-op where ``fcntl`` is missing)."""
    root = twins_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f".{check_name(name)}.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: creates of one twin are not serialised
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def scratch_folder(name: str, kind: str) -> Path:
    """A new empty folder beside the twins for building or retiring twin ``name``."""
    root = twins_root()
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{check_name(name)}.{kind}-", dir=root))


def clean_leftovers(name: str) -> None:
    """Remove what interrupted creates and removals of ``name`` left (call under its lock)."""
    for path in twins_root().glob(f".{check_name(name)}.*-*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def put_in_place(built: Path, name: str) -> None:
    """Make ``built`` the folder of twin ``name``, replacing a previous one (under its lock)."""
    target = twin_folder(name)
    old: Path | None = None
    if target.exists():
        old = scratch_folder(name, "old")
        os.replace(target, old / name)
    try:
        os.replace(built, target)
    except BaseException:
        if old is not None:
            os.replace(old / name, target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def remove(name: str) -> bool:
    """Remove twin ``name``'s folder; False when there was none."""
    with locked(name):
        target = twin_folder(name)
        if not target.exists():
            return False
        retired = scratch_folder(name, "removing")
        os.replace(target, retired / name)
        shutil.rmtree(retired, ignore_errors=True)
        return True


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (links not followed)."""
    total = 0
    for base, _, files in os.walk(folder):
        for file in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(base, file)).st_size
    return total
