"""Cloud twins: the interpreters and package pins the cloud module ran, rebuilt locally.

The single place that says what the cloud ran. Each built-in twin names its sources (as in
CONTRACT.md: S1 classic reference, S2 classic how-to, S9 designer reference, S13 the designer
module's package metadata) and every way the local rebuild differs from the cloud.

A twin is installed with exact pins for its whole closure (no dependency resolution), from
wheels only, into a folder of its own: ``pip install --target`` works for Python 2.7 to 3.13,
where venv and virtualenv do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from azml_lsp.contract.dialects import Dialect

LOCAL = "local"
"""The environment name that means "this interpreter, with what it has installed"."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Pin:
    """One package of a twin: the version installed here and, when it differs, the cloud's."""

    name: str
    version: str
    cloud: str | None = None
    """The version the cloud had, when the rebuild installs another (then ``why`` says why)."""
    why: str = ""

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class TwinSpec:
    """A cloud runtime to rebuild: interpreter version, packages, sources and deviations."""

    name: str
    title: str
    dialect: Dialect
    python: str
    """The ``major.minor`` of the interpreter used here."""
    cloud_python: str
    """What the cloud ran (may differ from ``python``: see ``deviations``)."""
    packages: tuple[Pin, ...]
    """The whole closure, exact pins: installed with ``--no-deps``."""
    sources: tuple[str, ...] = ()
    deviations: tuple[str, ...] = ()
    debugger: Pin | None = None
    """The debugpy release for this interpreter (not part of the cloud: used by ``azml debug``)."""
    imports: tuple[tuple[str, str], ...] = ()
    """(distribution, module) pairs where the import name differs from the distribution's."""
    builtin: bool = True

    def module_of(self, distribution: str) -> str:
        """The module to import to check ``distribution`` (``scikit-learn`` -> ``sklearn``)."""
        for dist, module in self.imports:
            if dist == distribution:
                return module
        return distribution.replace("-", "_").lower()

    @property
    def requirements(self) -> list[str]:
        """``name==version`` of every package, the debugger last when the spec has one."""
        pins = list(self.packages) + ([self.debugger] if self.debugger else [])
        return [pin.requirement for pin in pins]

    def summary(self, python_version: str | None = None) -> str:
        """Where a run happened, in words: ``designer twin: Python 3.8.18, pandas 1.1.5``."""
        pandas = next((p.version for p in self.packages if p.name == "pandas"), None)
        parts = [f"Python {python_version or self.python}"]
        if pandas:
            parts.append(f"pandas {pandas}")
        return f"{self.name} twin: {', '.join(parts)}"


def check_name(name: str) -> str:
    """``name`` if it can name a twin (lower case, digits, ``.``, ``_``, ``-``), else ValueError."""
    if not _NAME.match(name) or name == LOCAL:
        raise ValueError(
            f"{name!r} cannot name an environment: use lower-case letters, digits, '.', '_' or "
            f"'-' (and not {LOCAL!r}, which means this interpreter)"
        )
    return name


_DATEUTIL_PYTZ_SIX = (Pin("python-dateutil", "2.5.2"), Pin("pytz", "2016.3"), Pin("six", "1.10.0"))

CLASSIC_SOURCES = (
    "S1: the classic module reference lists the runtimes 'Anaconda 2.0/Python 2.7.7', "
    "'Anaconda 4.0/Python 2.7.11' and 'Anaconda 4.0/Python 3.5'",
    "S2: the classic how-to: Anaconda's scientific packages (NumPy, SciPy, scikit-learn, pandas, "
    "matplotlib), no pip",
    "Anaconda 4.0.0 (March 2016) package list, linux-64: numpy 1.10.4, pandas 0.18.0, "
    "scipy 0.17.0, scikit-learn 0.17.1, matplotlib 1.5.1",
)

BUILTIN_TWINS: dict[str, TwinSpec] = {
    spec.name: spec
    for spec in (
        TwinSpec(
            name="classic-py27",
            title="Studio (classic), Anaconda 4.0 / Python 2.7",
            dialect=Dialect.CLASSIC,
            python="2.7",
            cloud_python="2.7.11",
            packages=(
                Pin(
                    "numpy", "1.11.0", cloud="1.10.4", why="earliest with a cp27mu manylinux1 wheel"
                ),
                Pin(
                    "pandas",
                    "0.18.1",
                    cloud="0.18.0",
                    why="earliest with a cp27mu manylinux1 wheel",
                ),
                *_DATEUTIL_PYTZ_SIX,
            ),
            sources=CLASSIC_SOURCES,
            deviations=(
                "Python 2.7.18 (the last 2.7) instead of 2.7.11",
                "only the packages scripts use most are installed, not all of Anaconda's ~200",
            ),
            debugger=Pin("debugpy", "1.5.1"),
        ),
        TwinSpec(
            name="classic-py35",
            title="Studio (classic), Anaconda 4.0 / Python 3.5",
            dialect=Dialect.CLASSIC,
            python="3.6",
            cloud_python="3.5.1",
            packages=(
                Pin("numpy", "1.11.3", cloud="1.10.4", why="earliest with a cp36 manylinux1 wheel"),
                Pin(
                    "pandas", "0.19.2", cloud="0.18.0", why="earliest with a cp36 manylinux1 wheel"
                ),
                *_DATEUTIL_PYTZ_SIX,
            ),
            sources=CLASSIC_SOURCES,
            deviations=(
                "Python 3.6 instead of 3.5: no CPython 3.5 on these machines",
                "pandas 0.19.2 instead of 0.18.0: the earliest pandas with wheels for Python 3.6",
                "only the packages scripts use most are installed, not all of Anaconda's ~200",
            ),
            debugger=Pin("debugpy", "1.5.1"),
        ),
        TwinSpec(
            name="designer",
            title="Designer Execute Python Script (v1.1), its documented preinstalled packages",
            dialect=Dialect.DESIGNER,
            python="3.8",
            cloud_python="3.8",
            packages=(
                Pin("numpy", "1.19.5"),
                Pin("pandas", "1.1.5"),
                Pin("python-dateutil", "2.8.2"),
                Pin("pytz", "2021.3"),
                Pin("six", "1.16.0"),
            ),
            sources=("S9", "S13"),
            deviations=(),
            debugger=Pin("debugpy", "1.8.21"),
        ),
    )
}
"""The built-in twins by name."""


def twins_for(dialect: Dialect) -> list[str]:
    """The built-in twins of ``dialect``, the one matching its default target Python first."""
    from azml_lsp.contract.profile import PROFILES

    target = PROFILES[dialect].default_target_python
    names = [spec.name for spec in BUILTIN_TWINS.values() if spec.dialect is dialect]
    return sorted(names, key=lambda name: BUILTIN_TWINS[name].cloud_python[:3] != target)
