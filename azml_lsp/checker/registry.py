"""The rule registry: every rule's code, name, default severity and documentation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from azml_lsp.checker.model import Severity

_CODE = re.compile(r"^AZ\d{3}$")


@dataclass(frozen=True)
class Rule:
    """A checker rule and its documentation (what it does, why, an example, how to fix it)."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix: str
    needs_jedi: bool = False
    fixable: bool = False

    @property
    def doc(self) -> str:
        """The rule's page in Markdown, as ``azml rule CODE`` prints it."""
        inference = (
            "Uses type inference (jedi) where the syntax alone cannot tell.\n\n"
            if self.needs_jedi
            else ""
        )
        autofix = "An automatic fix is offered.\n\n" if self.fixable else ""
        return (
            f"## {self.code} {self.name}\n\n"
            f"Default severity: **{self.severity.value}**\n\n"
            f"### What it does\n\n{self.summary}\n\n"
            f"### Why it matters\n\n{self.why}\n\n"
            f"### Example\n\n```python\n{self.example.strip()}\n```\n\n"
            f"### How to fix\n\n{self.fix}\n\n{autofix}{inference}"
        ).rstrip() + "\n"


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule to :data:`RULES` (codes are unique and look like ``AZ123``)."""
    if not _CODE.match(rule.code) or rule.code in RULES:
        raise ValueError(f"bad or duplicate rule code {rule.code!r}")
    RULES[rule.code] = rule
    return rule


def expand_codes(selectors: Iterable[str]) -> set[str]:
    """The rule codes matched by codes or prefixes (``AZ1`` matches every ``AZ1xx``).

    Raises ValueError naming a selector that matches no rule.
    """
    codes: set[str] = set()
    for raw in selectors:
        selector = raw.strip().upper()
        if not selector:
            continue
        if selector == "ALL":
            codes.update(RULES)
            continue
        matched = {c for c in RULES if c.startswith(selector)}
        if not matched:
            raise ValueError(f"unknown rule code {raw!r}: run `azml rule --all` to list the rules")
        codes.update(matched)
    return codes
