"""Rule docs: complete, and docs/rules.md up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from azml_lsp.checker import RULES
from azml_lsp.checker.docs import render_rules

ROOT = Path(__file__).resolve().parents[2]


def test_every_rule_documents_what_why_example_fix() -> None:
    for code, rule in RULES.items():
        for section in ("### What it does", "### Why it matters", "### Example", "### How to fix"):
            assert section in rule.doc, (code, section)
        assert rule.summary and rule.why and rule.example and rule.fix


def test_codes_are_grouped_by_family() -> None:
    assert {code[:3] for code in RULES} <= {
        "AZ0",
        "AZ1",
        "AZ2",
        "AZ3",
        "AZ4",
        "AZ5",
        "AZ6",
        "AZ7",
        "AZ9",
    }


def test_docs_rules_md_is_up_to_date() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render_rules(), (
        "run: python -m azml_lsp.checker.docs docs/rules.md"
    )


def test_docs_check_mode_exits_nonzero_when_stale(tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text("# old\n")
    command = [sys.executable, "-m", "azml_lsp.checker.docs", "--check", str(stale)]
    assert subprocess.run(command, capture_output=True, timeout=60).returncode == 1
    subprocess.run([*command[:3], str(stale)], check=True, timeout=60)
    assert subprocess.run(command, capture_output=True, timeout=60).returncode == 0
