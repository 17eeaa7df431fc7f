"""The checker never raises: random text and mutated real scripts."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azml_lsp.checker import RULES, CheckConfig, apply_fixes, check_source

from .test_parsing import PY2
from .test_rules import CASES

SEEDS = [PY2, *(c.bad for c in CASES), *(c.good for c in CASES)]
CONFIGS = [
    CheckConfig(dialect=d, target_python=t, use_jedi=False)
    for d, t in (("classic", "2.7"), ("classic", "3.5"), ("designer", "3.8"), ("designer", "3.12"))
]
ALPHABET = st.sampled_from(
    [*"abcdefxyz_0123456789 \t\n\r()[]{}:;,.'\"`#\\@=<>!*+-/%~^|&$?",
       "print ", "def ", "return ", "yield ", "lambda", "async ", "await ", "azureml_main",
       "import ", "from ", " in ", "except ", "raise ", "0777L", "f'{x}'", ":=", "é", "😀", "\0"],
)  # fmt: skip


def _check_everything(source: str) -> None:
    for config in CONFIGS:
        diagnostics = check_source(source, "fuzz.py", config)
        assert all(d.code in RULES for d in diagnostics)
        assert all(d.line >= 1 and d.column >= 1 for d in diagnostics)
        assert not [d for d in diagnostics if d.code == "AZ900"], diagnostics
        apply_fixes(source, [d.fix for d in diagnostics if d.fix])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_random_text_never_raises(source: str) -> None:
    _check_everything(source)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 5), ALPHABET), max_size=4),
)
def test_mutated_scripts_never_raise(seed: str, mutations: list[tuple[int, int, str]]) -> None:
    source = seed
    for position, deleted, inserted in mutations:
        at = position % (len(source) + 1)
        source = source[:at] + inserted + source[at + deleted :]
    _check_everything(source)
