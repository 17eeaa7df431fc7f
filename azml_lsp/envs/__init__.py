"""Cloud twins on this machine: a cloud runtime's Python and exact package pins, rebuilt locally.

:mod:`~azml_lsp.envs.specs` says which twins exist (built-in and declared in pyproject.toml),
:mod:`~azml_lsp.envs.store` where created twins live, :mod:`~azml_lsp.envs.interpreters` finds
a CPython of the right version, :mod:`~azml_lsp.envs.create` builds a twin and
:mod:`~azml_lsp.envs.probe` checks one from the inside.
"""

from __future__ import annotations

from azml_lsp.envs.errors import EnvError, InstallError, NoInterpreterError, SpecError
from azml_lsp.envs.store import InstalledTwin, all_specs, installed, spec_of

__all__ = [
    "EnvError",
    "InstallError",
    "InstalledTwin",
    "NoInterpreterError",
    "SpecError",
    "all_specs",
    "installed",
    "spec_of",
]
