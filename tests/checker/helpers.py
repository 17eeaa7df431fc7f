"""Helpers for the checker tests."""

from __future__ import annotations

from azml_lsp.checker import CheckConfig, Diagnostic, check_source


def diagnose(source: str, **config: object) -> list[Diagnostic]:
    """Check a script with the given CheckConfig fields (jedi off unless asked)."""
    config.setdefault("use_jedi", False)
    return check_source(source, "script.py", CheckConfig(**config))  # type: ignore[arg-type]


def codes(source: str, **config: object) -> list[str]:
    return [d.code for d in diagnose(source, **config)]
