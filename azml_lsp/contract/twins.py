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


def _pins(text: str, **cloud: tuple[str, str]) -> tuple[Pin, ...]:
    """Pins from ``name==version`` words; ``cloud`` gives, by name (``-`` as ``_``), the cloud's
    version and why another is installed."""
    pins = []
    for word in text.split():
        name, version = word.split("==")
        was, why = cloud.get(name.replace("-", "_"), (None, ""))
        pins.append(Pin(name, version, cloud=was, why=why))
    return tuple(pins)


NO_WHEEL = "the cloud's release has no wheel for this Python: the nearest one that has"
ANACONDA_40 = (
    "S1: the classic module reference (last version before its removal, January 2022): Python "
    "Version 'Anaconda 2.0 distribution for Python 2.7.7', 'Anaconda 4.0 distribution for Python "
    "2.7.11', 'Anaconda 4.0 distribution for Python 3.5 (default)'",
    "S2: the classic how-to: Anaconda with close to 200 packages (NumPy, SciPy, scikit-learn, "
    "pandas, matplotlib with the Agg backend); no pip or conda",
    "Anaconda 4.0.0 (March 2016), linux-64 np110 builds: numpy 1.10.4, pandas 0.18.0, "
    "scipy 0.17.0, scikit-learn 0.17.1, matplotlib 1.5.1 (conda build names and pinned files of "
    "the same date; the release's own package list could not be read)",
)
ANACONDA_40_SMALL = (
    "python-dateutil==2.5.1 pytz==2016.2 six==1.10.0 cycler==0.10.0 pyparsing==2.1.0"
)
ANACONDA_40_GAPS = (
    "only the packages scripts use most are installed, not all of Anaconda's ~200",
    "python-dateutil 2.5.1, pytz 2016.2 and pyparsing 2.1.0 are unconfirmed for Anaconda 4.0.0 "
    "(a list of the same months has python-dateutil 2.4.2 and pytz 2015.7)",
)
DESIGNER_2020 = (
    "S9: the designer component reference, 'Preinstalled Python packages' (MicrosoftDocs "
    "azure-ai-docs, articles/machine-learning/component-reference/execute-python-script.md, "
    "ms.date 06/15/2021): pandas==0.25.3, numpy==1.18.2, scikit-learn==0.22.2, scipy==1.4.1, "
    "matplotlib==3.1.3, pyarrow==0.16.0, lightgbm==2.2.3, ... with "
    "azureml-designer-classic-modules==0.0.118",
    "S13: azureml-designer-classic-modules 0.0.118 (built 2020-03-24, Requires-Python >=3.6) pins "
    "the same pandas, scikit-learn, scipy, matplotlib and lightgbm",
    "a designer run log of February 2020 shows the module under .../lib/python3.6/site-packages",
)
DESIGNER_2025 = (
    "Azure/azureml-assets, assets/designer/environments/designer/context/conda_dependencies.yaml "
    "(2024-12 to 2025-07): python 3.9.18, numpy 1.23.5, scipy 1.10.0, "
    "azureml-designer-classic-modules 0.0.189 to 0.0.195",
    "S13: azureml-designer-classic-modules 0.0.195 pins pandas 1.1.5, scikit-learn 1.5.0, "
    "matplotlib 3.3.4, lightgbm 4.6.0; azureml-designer-core 0.0.86 pins numpy 1.23.5, "
    "pyarrow 14.0.1",
)

BUILTIN_TWINS: dict[str, TwinSpec] = {
    spec.name: spec
    for spec in (
        TwinSpec(
            name="classic-py27",
            title="Studio (classic), Anaconda 4.0 / Python 2.7.11",
            dialect=Dialect.CLASSIC,
            python="2.7",
            cloud_python="2.7.11",
            packages=_pins(
                "numpy==1.10.4 pandas==0.18.1 scipy==0.17.0 scikit-learn==0.17.1 "
                "matplotlib==1.5.3 " + ANACONDA_40_SMALL,
                pandas=("0.18.0", NO_WHEEL),
                matplotlib=("1.5.1", NO_WHEEL),
            ),
            sources=ANACONDA_40,
            deviations=(
                "Python 2.7.18 (the last 2.7) instead of 2.7.11: the same language",
                "pandas 0.18.1 instead of 0.18.0 and matplotlib 1.5.3 instead of 1.5.1: "
                "bug-fix releases, the first with wheels",
                *ANACONDA_40_GAPS,
            ),
            debugger=Pin("debugpy", "1.5.1"),
        ),
        TwinSpec(
            name="classic-py35",
            title="Studio (classic), Anaconda 4.0 / Python 3.5 (the classic default)",
            dialect=Dialect.CLASSIC,
            python="3.6",
            cloud_python="3.5.1",
            packages=_pins(
                "numpy==1.11.3 pandas==0.19.2 scipy==0.18.1 scikit-learn==0.18.1 "
                "matplotlib==1.5.3 " + ANACONDA_40_SMALL,
                numpy=("1.10.4", NO_WHEEL),
                pandas=("0.18.0", NO_WHEEL),
                scipy=("0.17.0", NO_WHEEL),
                scikit_learn=("0.17.1", NO_WHEEL),
                matplotlib=("1.5.1", NO_WHEEL),
            ),
            sources=ANACONDA_40,
            deviations=(
                "Python 3.6.15 instead of 3.5.1: no CPython 3.5 on these machines (3.6 accepts "
                "f-strings, which 3.5 rejects: azml check --env classic-py35 targets 3.5)",
                "every package is the earliest release with a Python 3.6 wheel: pandas 0.19.2 "
                "still has .ix, .as_matrix, DataFrame.sort and pd.rolling_*; scikit-learn 0.18.1 "
                "adds model_selection and keeps cross_validation",
                *ANACONDA_40_GAPS,
            ),
            debugger=Pin("debugpy", "1.5.1"),
        ),
        TwinSpec(
            name="designer",
            title="Designer Execute Python Script v1.1, its documented packages (2020)",
            dialect=Dialect.DESIGNER,
            python="3.6",
            cloud_python="3.6",
            packages=_pins(
                "pandas==0.25.3 numpy==1.18.2 scikit-learn==0.22.2 scipy==1.4.1 "
                "matplotlib==3.1.3 pyarrow==0.16.0 lightgbm==2.2.3 python-dateutil==2.8.1 "
                "pytz==2019.3 six==1.14.0 joblib==0.14.0 cycler==0.10.0 kiwisolver==1.1.0 "
                "pyparsing==2.4.6 setuptools==46.1.1",
                setuptools=("46.1.1.post20200323", "a conda build; PyPI has 46.1.1"),
            ),
            sources=DESIGNER_2020,
            deviations=(
                "Python 3.6.15; the cloud's 3.6 patch level is not published",
                "the core of the documented list: the azureml-* packages and those scripts "
                "rarely import (gensim, nimbusml, imbalanced-learn, cloud SDKs) are left out",
            ),
            debugger=Pin("debugpy", "1.5.1"),
        ),
        TwinSpec(
            name="designer-py39",
            title="Designer Execute Python Script, its last pinned generation (2024-12 to 2025-10)",
            dialect=Dialect.DESIGNER,
            python="3.9",
            cloud_python="3.9.18",
            packages=_pins(
                "pandas==1.1.5 numpy==1.23.5 scipy==1.10.0 scikit-learn==1.5.0 matplotlib==3.3.4 "
                "pyarrow==14.0.1 lightgbm==4.6.0 joblib==1.2.0 python-dateutil==2.8.1 "
                "cycler==0.12.1 kiwisolver==1.4.7 pillow==10.3.0 pyparsing==3.1.4 pytz==2024.2 "
                "six==1.16.0 threadpoolctl==3.5.0"
            ),
            sources=DESIGNER_2025,
            deviations=(
                "cycler, kiwisolver, pillow, pyparsing, pytz, six and threadpoolctl are not "
                "pinned by the sources: releases of that time are pinned here",
            ),
            debugger=Pin("debugpy", "1.8.21"),
        ),
    )
}
"""The built-in twins by name."""


DEFAULT_TWINS = {Dialect.CLASSIC: "classic-py35", Dialect.DESIGNER: "designer"}
"""The twin a script of each dialect runs in by default: classic's default runtime was Anaconda
4.0 / Python 3.5 (S1); the designer's is its documented package list (S9)."""


def minor_version(version: str) -> str:
    """``3.5.1`` -> ``3.5``."""
    return ".".join(version.split(".")[:2])


def default_twin(dialect: Dialect, target_python: str | None = None) -> str | None:
    """The built-in twin a script runs in when it names none: the dialect's default, or the
    dialect's twin of the script's declared target Python (None when there is no such twin)."""
    if target_python is None:
        return DEFAULT_TWINS[dialect]
    for spec in BUILTIN_TWINS.values():
        if spec.dialect is dialect and minor_version(spec.cloud_python) == target_python:
            return spec.name
    return None


def cloud_version(spec: TwinSpec, package: str) -> str | None:
    """The version of ``package`` the cloud ran (not the one installed in its place)."""
    pin = next((p for p in spec.packages if p.name == package), None)
    return None if pin is None else pin.cloud or pin.version
