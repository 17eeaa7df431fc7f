"""The job environment of an exported component: Python and the packages the script needs."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: What the runtime itself imports in the job (the warm modules of a run).
RUNTIME_DISTRIBUTIONS = ("pandas", "numpy", "pyarrow", "matplotlib")
MLTABLE_DISTRIBUTION = "mltable"
BASE_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest"


def imported_modules(source: str) -> set[str]:
    """Top-level names of every module ``source`` imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def distributions_for(modules: Iterable[str], local: set[str]) -> list[str]:
    """Installed distributions providing ``modules``, except the standard library and ``local``."""
    providers = metadata.packages_distributions()
    found: set[str] = set()
    for module in modules:
        if module in sys.stdlib_module_names or module in local:
            continue
        found.update(providers.get(module, []))
    return sorted(found, key=str.lower)


def pinned(distribution: str) -> str:
    """``name==version`` of an installed distribution, or the bare name when it is not installed."""
    try:
        return f"{distribution}=={metadata.version(distribution)}"
    except metadata.PackageNotFoundError:
        return distribution


def requirements(
    script: Path, local_modules: set[str], extra: Iterable[str], mltable: bool
) -> list[str]:
    """Pinned pip requirements: the runtime's packages, the script's imports, then ``extra``."""
    wanted = list(RUNTIME_DISTRIBUTIONS)
    wanted += distributions_for(imported_modules(script.read_text(encoding="utf-8")), local_modules)
    if mltable:
        wanted.append(MLTABLE_DISTRIBUTION)
    lines: dict[str, str] = {}
    for name in wanted:
        lines.setdefault(name.lower(), pinned(name))
    for requirement in extra:
        lines[requirement.split("=")[0].split("<")[0].split(">")[0].strip().lower()] = requirement
    return list(lines.values())


def conda_environment(name: str, pip_requirements: list[str]) -> dict[str, Any]:
    """The conda file of the job's environment (the Python the runtime needs, then pip)."""
    python = f"python={sys.version_info.major}.{sys.version_info.minor}"
    return {
        "name": name,
        "channels": ["conda-forge"],
        "dependencies": [python, "pip", {"pip": pip_requirements}],
    }
