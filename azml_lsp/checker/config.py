"""What to check and for which cloud runtime."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azml_lsp.checker.registry import RULES, expand_codes
from azml_lsp.contract import DEFAULT_DIALECT, PROFILES, Dialect
from azml_lsp.settings import load_settings

_VERSION = re.compile(r"^(\d+)\.(\d+)$")


def parse_version(text: str) -> tuple[int, int]:
    """``"3.8"`` -> ``(3, 8)``; raises ValueError with what to write instead."""
    match = _VERSION.match(text.strip())
    if match is None:
        raise ValueError(f"bad target Python {text!r}: write a version such as 2.7 or 3.8")
    return int(match.group(1)), int(match.group(2))


@dataclass(frozen=True)
class CheckConfig:
    """Options of one check: dialect, target Python, Script Bundle and rule selection.

    ``select``: codes or prefixes to run (empty: every rule); ``ignore``: codes or prefixes not
    to run. ``use_jedi``: allow type inference where the syntax alone cannot tell.
    ``check_imports``: resolve imports against this environment and the bundle.
    """

    dialect: Dialect = DEFAULT_DIALECT
    target_python: str | None = None
    bundle: str | None = None
    select: frozenset[str] = field(default_factory=frozenset)
    ignore: frozenset[str] = field(default_factory=frozenset)
    use_jedi: bool = True
    check_imports: bool = True
    cloud_pandas: str | None = None
    """The cloud's pandas (``1.1.5``); None: the dialect's (see ``contract.profile``)."""
    env: str | None = None
    """The cloud twin the target Python and pandas were taken from, if any."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "dialect", Dialect.parse(self.dialect))
        if self.target_python is None:
            target = PROFILES[self.dialect].default_target_python
            object.__setattr__(self, "target_python", target)
        parse_version(self.python)
        expand_codes(self.select)
        expand_codes(self.ignore)

    @property
    def python(self) -> str:
        """The target Python as text, such as ``"3.8"``."""
        return self.target_python or PROFILES[self.dialect].default_target_python

    @property
    def version(self) -> tuple[int, int]:
        """The target Python as a tuple, such as ``(3, 8)``."""
        return parse_version(self.python)

    @property
    def pandas(self) -> str:
        """The cloud's pandas version the pandas rules compare with."""
        return self.cloud_pandas or PROFILES[self.dialect].pandas_version

    def enabled_codes(self) -> frozenset[str]:
        """The rule codes this configuration runs."""
        chosen = expand_codes(self.select) if self.select else set(RULES)
        return frozenset(chosen - expand_codes(self.ignore))

    @classmethod
    def for_file(cls, path: str | Path, source: str | None = None, **overrides: Any) -> CheckConfig:
        """The configuration of a script from ``azml_lsp.settings``; non-None overrides win.

        Overrides: ``dialect``, ``target_python``, ``bundle``, ``select``, ``ignore``,
        ``use_jedi``, ``check_imports``, ``env`` (a cloud twin: its dialect, Python and pandas
        are the target unless given). Raises ``SettingsError`` for bad settings files and
        ``ValueError`` for an unknown twin.
        """
        settings = load_settings(path, source)
        given = {k: v for k, v in overrides.items() if v is not None}
        select = given.pop("select", None) or settings.select
        ignore = set(settings.ignore) | set(given.pop("ignore", ()) or ())
        env = given.pop("env", None) or settings.env
        twin = twin_target(env, Path(path).resolve().parent)
        return cls(
            dialect=Dialect.parse(
                given.pop("dialect", None) or settings.dialect or twin.get("dialect")
            ),
            target_python=given.pop("target_python", None)
            or settings.target_python
            or twin.get("python"),
            cloud_pandas=twin.get("pandas"),
            env=env,
            bundle=given.pop("bundle", None) or settings.bundle,
            select=frozenset(select),
            ignore=frozenset(ignore),
            **given,
        )


def twin_target(env: str | None, project_dir: Path) -> dict[str, str]:
    """The dialect, cloud Python (``major.minor``) and pandas of the twin ``env`` (empty for
    none or ``local``); ValueError for an unknown twin. Shared with the language server."""
    from azml_lsp.contract.twins import LOCAL, cloud_version, minor_version

    if env is None or env == LOCAL:
        return {}
    from azml_lsp.envs.errors import EnvError
    from azml_lsp.envs.specs import spec_of

    try:
        spec = spec_of(env, project_dir)
    except EnvError as exc:
        raise ValueError(str(exc)) from None
    target = {"dialect": spec.dialect.value, "python": minor_version(spec.cloud_python)}
    pandas = cloud_version(spec, "pandas")  # the cloud's, as the dialects' defaults are
    return {**target, "pandas": pandas} if pandas else target
