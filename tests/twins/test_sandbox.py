"""``--sandbox strict`` in each twin: the same refusals as a local run, through audit hooks on
Python 3.8+ and through wrapped functions on older Pythons (where the run says so)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runtime.test_sandbox import ATTEMPT, BLOCKED, assert_blocked
from tests.twins.conftest import TwinRunner

TWINS = [("classic_twin", "classic"), ("designer_twin", "designer")]


@pytest.mark.parametrize(("twin", "dialect"), TWINS)
@pytest.mark.parametrize(("action", "words"), BLOCKED)
def test_strict_blocks_in_the_twin(
    request: pytest.FixtureRequest,
    run_in: Callable[[str], TwinRunner],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    twin: str,
    dialect: str,
    action: str,
    words: str,
) -> None:
    run = run_in(request.getfixturevalue(twin))

    def in_dialect(source: str, **options: object) -> object:
        return run(source, dialect=dialect, **options)

    assert_blocked(in_dialect, tmp_path, monkeypatch, action, words)  # type: ignore[arg-type]


def test_python_27_says_how_it_is_enforced(
    classic_twin: str, run_in: Callable[[str], TwinRunner], csv1: Path
) -> None:
    action = "open('note.txt', 'w').write('ok')"
    result = run_in(classic_twin)(
        ATTEMPT.format(action=action), sandbox="strict", dialect="classic", dataset1=str(csv1)
    )
    assert result.ok, result.error
    assert any("no audit hooks" in warning for warning in result.warnings)
