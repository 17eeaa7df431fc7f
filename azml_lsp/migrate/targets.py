"""Where a migration goes (``--to``) and where the original ran (``--from``)."""

from __future__ import annotations

import sys

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.twins import DEFAULT_TWINS, LOCAL, minor_version
from azml_lsp.migrate.model import Target

PYTHON2_SOURCE_TWIN = "classic-py27"


def resolve_target(name: str, option: str = "--to") -> Target:
    """``designer``, ``local`` (the designer's contract on this machine's Python and pandas) or
    a twin's name; raises ValueError naming ``option`` and the choices."""
    if name == LOCAL:
        return Target(LOCAL, Dialect.DESIGNER, f"{sys.version_info[0]}.{sys.version_info[1]}")
    from azml_lsp.envs.specs import spec_of

    try:
        spec = spec_of(name)
    except Exception as exc:  # SpecError: its message lists the known twins
        raise ValueError(f"{option} {name}: {exc}") from None
    return Target(spec.name, spec.dialect, minor_version(spec.cloud_python))


def source_env(declared_env: str | None, declared_dialect: str | None, python2: bool) -> str:
    """The environment the original ran in: its declared twin, else classic-py27 for Python 2
    source, else the declared dialect's default twin (classic: classic-py35)."""
    if declared_env and declared_env != LOCAL:
        return declared_env
    if python2:
        return PYTHON2_SOURCE_TWIN
    dialect = Dialect(declared_dialect) if declared_dialect else Dialect.CLASSIC
    return DEFAULT_TWINS[dialect]


def dialect_of(env: str, declared_dialect: str | None) -> Dialect:
    """The dialect runs in ``env`` use: the twin's, else the declared one, else classic."""
    if env != LOCAL:
        from azml_lsp.envs.specs import spec_of

        try:
            return spec_of(env).dialect
        except Exception:  # an unknown twin: the run reports it
            pass
    return Dialect(declared_dialect) if declared_dialect else Dialect.CLASSIC
