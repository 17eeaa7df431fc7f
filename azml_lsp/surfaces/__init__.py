"""API surfaces: what the cloud's packages and Python offered, read from the real packages.

Each built-in cloud twin has one surface (``data/<twin>.json.gz``), and ``latest`` holds the
packages of the environment that generated them. A surface lists the members of pandas, numpy
and scikit-learn modules, of the classes scripts use (``pandas.DataFrame``, ``pandas.Series``,
``pandas.Index``, ``pandas.DataFrameGroupBy``, ``pandas.SeriesGroupBy``, ``pandas.Rolling``,
``pandas.str``, ``pandas.dt``, ``numpy.ndarray``, ``builtins.dict`` ...), each callable's
parameters where they could be read, and the standard library's module names.
Regenerate with ``python -m azml_lsp.surfaces.generate --create``; loading needs no twin.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.pandas_api import version_tuple
from azml_lsp.contract.twins import BUILTIN_TWINS, default_twin

DATA = Path(__file__).resolve().parent / "data"
LATEST = "latest"
"""The surface of the packages the surfaces were generated with (the newest pandas)."""
FORMAT = 1

Signature = list[str] | None
"""Parameters as written in a ``def`` (``["self", "by", "*", "key=None", "**kwargs"]``), or None
for an attribute or a callable whose parameters could not be read."""


@dataclass(frozen=True)
class Surface:
    """The public API of one interpreter and its packages."""

    name: str
    python: str
    packages: dict[str, str]
    """Distribution -> the version introspected."""
    cloud_packages: dict[str, str]
    """Distribution -> the version the cloud ran, where the twin installs a stand-in."""
    modules: dict[str, dict[str, Signature]]
    classes: dict[str, dict[str, Signature]]
    added: dict[str, dict[str, dict[str, str]]]
    """Class -> member -> {"": version the member was added, parameter: version it was added},
    from the ``.. versionadded::`` notes of pandas' docstrings."""
    stdlib: frozenset[str]
    sources: list[str]

    @property
    def pandas(self) -> str:
        """The cloud's pandas this surface stands for."""
        return self.cloud_packages.get("pandas") or self.packages.get("pandas", "")

    @property
    def label(self) -> str:
        """``pandas 0.25.3 (designer)``."""
        return f"pandas {self.pandas} ({self.name})"

    def has_member(self, cls: str, member: str) -> bool | None:
        """Whether ``cls`` has ``member``; None when the surface does not describe ``cls``."""
        members = self.classes.get(cls)
        return None if members is None else member in members

    def has_module(self, module: str) -> bool | None:
        """Whether ``module`` is importable: None when no surface-described package owns it."""
        top = module.split(".")[0]
        if module in self.modules or module in self.stdlib:
            return True
        if top in ("sklearn",) and "sklearn" in self.modules:
            return module.count(".") > 1 and module.rsplit(".", 1)[0] in self.modules
        return None


def names() -> list[str]:
    """The shipped surfaces' names, oldest pandas first, ``latest`` last."""
    order = [*BUILTIN_TWINS, LATEST]
    return [n for n in order if (DATA / f"{n}.json.gz").is_file()]


@cache
def load(name: str) -> Surface:
    """The surface ``name`` (a built-in twin or ``latest``); KeyError naming the shipped ones."""
    path = DATA / f"{name}.json.gz"
    if not path.is_file():
        raise KeyError(f"no API surface {name!r}: the shipped ones are {', '.join(names())}")
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        data: dict[str, Any] = json.load(stream)
    return Surface(
        name=data["name"],
        python=data["python"],
        packages=data["packages"],
        cloud_packages=data.get("cloud_packages", {}),
        modules=data["modules"],
        classes=data["classes"],
        added=data.get("added", {}),
        stdlib=frozenset(data["stdlib"]),
        sources=data.get("sources", []),
    )


def target_name(dialect: Dialect | str, target_python: str | None, env: str | None) -> str:
    """The surface a check targets: the twin ``env`` when it has one, else the dialect's twin of
    the target Python, else the dialect's default twin."""
    dialect = Dialect.parse(dialect)
    available = names()
    if env in available:
        return str(env)
    twin = default_twin(dialect, target_python) or default_twin(dialect)
    if twin is not None and twin in available:
        return twin
    for name in available:
        spec = BUILTIN_TWINS.get(name)
        if spec is not None and spec.dialect is dialect:
            return name
    raise KeyError(f"no API surface for the {dialect.value} dialect")


def members(target: str, cls: str) -> dict[str, Signature]:
    """The members of class ``cls`` (``"DataFrame"`` or ``"pandas.DataFrame"``) in surface
    ``target``, with their parameters: what completion offers for that receiver (empty when
    the surface does not describe the class)."""
    classes = load(target).classes
    return classes.get(cls) or classes.get(f"pandas.{cls}") or {}


def present_in(kind: str, owner: str, member: str) -> list[str]:
    """The surfaces whose ``kind`` (``"classes"`` or ``"modules"``) ``owner`` has ``member``."""
    found = []
    for name in names():
        table = getattr(load(name), kind).get(owner)
        if table is not None and member in table:
            found.append(name)
    return found


@dataclass(frozen=True)
class Lifetime:
    """Where a member is across the shipped surfaces, ordered by the package's version."""

    having: list[tuple[str, str]]
    """``(version, surface)`` of the surfaces that have the member, oldest first."""
    lacking: list[tuple[str, str]]
    """``(version, surface)`` of the surfaces that describe the owner but lack the member."""

    def appeared(self) -> tuple[str, str] | None:
        """``(last version lacking it, first version having it)`` when an older surface lacks it:
        the member appeared between the two."""
        if not self.having:
            return None
        first = version_tuple(self.having[0][0])
        older = [v for v, _ in self.lacking if version_tuple(v) < first]
        return (older[-1], self.having[0][0]) if older else None

    def disappeared(self) -> tuple[str, str] | None:
        """``(last version having it, first later version lacking it)``, when there is one."""
        if not self.having:
            return None
        last = version_tuple(self.having[-1][0])
        newer = [v for v, _ in self.lacking if version_tuple(v) > last]
        return (self.having[-1][0], newer[0]) if newer else None

    def describe(self, package: str = "pandas") -> str:
        """``in pandas 0.18.0 to 1.1.5; gone by 3.1.1``."""
        if not self.having:
            return f"in none of the shipped {package} surfaces"
        first, last = self.having[0][0], self.having[-1][0]
        text = f"in {package} {first}" + (f" to {last}" if last != first else "")
        if (appeared := self.appeared()) is not None:
            text += f" (added after {appeared[0]})"
        if (gone := self.disappeared()) is not None:
            text += f"; gone by {gone[1]}"
        return text


def version_of(surface: Surface, package: str) -> str:
    """The version of ``package`` a surface stands for: the cloud's pandas, else the one
    introspected."""
    return surface.pandas if package == "pandas" else surface.packages.get(package, "")


def lifetime(kind: str, owner: str, member: str, package: str = "pandas") -> Lifetime:
    """Where ``owner.member`` (``kind`` ``"classes"`` or ``"modules"``) is across the shipped
    surfaces that have ``package``, oldest version first: the version it appeared and the one
    it disappeared in, as far as the shipped versions tell."""
    having: list[tuple[str, str]] = []
    lacking: list[tuple[str, str]] = []
    shipped = [load(n) for n in names()]
    ordered = sorted(
        (s for s in shipped if version_of(s, package)),
        key=lambda s: (
            version_tuple(version_of(s, package)),
            version_tuple(s.packages.get(package, "")),
        ),
    )
    for surface in ordered:
        table = getattr(surface, kind).get(owner)
        if table is not None:
            (having if member in table else lacking).append(
                (version_of(surface, package), surface.name)
            )
    return Lifetime(having, lacking)
