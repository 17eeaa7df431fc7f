"""Syntax-only checking of a 2,000-line script stays within 3x of ``ast.parse``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_is_within_three_times_ast_parse() -> None:
    spec = importlib.util.spec_from_file_location(
        "check_speed", ROOT / "benchmarks" / "check_speed.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parse, checked, lines = module.measure(2000, repeat=7)
    assert lines >= 2000
    assert checked <= 3 * parse, f"check {checked * 1000:.1f} ms vs ast.parse {parse * 1000:.1f} ms"
