"""Neovim, Emacs (eglot), Vim (ALE) and VS Code, headless, with the azml integrations and the real server.

Each editor runs the scenario of :mod:`tests.editors.scenario` once; the tests check its findings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.editors import scenario
from tests.editors.harness import (
    EXAMPLE_SCRIPT,
    TESTS_DIR,
    Findings,
    require_program,
    run_driver,
    shared_findings,
)
from tests.editors.vscode_session import vscode

TIMEOUT_S = 240.0


def neovim(root: Path) -> Findings:
    here = TESTS_DIR / "neovim"
    argv = [require_program("nvim"), "--headless", "-i", "NONE", "-n", "-u", str(here / "init.lua")]
    argv += ["-c", f"luafile {here / 'driver.lua'}", EXAMPLE_SCRIPT]
    return run_driver(root, argv, TIMEOUT_S)


def emacs(root: Path) -> Findings:
    driver = TESTS_DIR / "emacs" / "driver.el"
    argv = [require_program("emacs"), "--batch", "-Q", "-l", str(driver), EXAMPLE_SCRIPT]
    return run_driver(root, argv, TIMEOUT_S)


def vim(root: Path) -> Findings:
    here = TESTS_DIR / "vim"
    argv = [require_program("vim"), "-Nu", str(here / "vimrc"), "-i", "NONE", "-n", "-es"]
    argv += ["-S", str(here / "driver.vim"), EXAMPLE_SCRIPT]
    return run_driver(root, argv, TIMEOUT_S)


EDITORS: dict[str, Callable[[Path], Findings]] = {
    "neovim": neovim,
    "emacs": emacs,
    "vim": vim,
    "vscode": vscode,
}
SLOW = {"vscode"}


@pytest.fixture(
    scope="module",
    params=[pytest.param(n, marks=[pytest.mark.slow] if n in SLOW else []) for n in EDITORS],
)
def findings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Findings:
    name: str = request.param
    return shared_findings(name, tmp_path_factory, EDITORS[name])


def test_driver_finished(findings: Findings) -> None:
    assert findings["exit_code"] == 0, scenario.describe(findings)


def test_completion_after_dataframe1_dot_offers_groupby(findings: Findings) -> None:
    scenario.check_completion(findings)


def test_hover_on_dataframe_method_has_text(findings: Findings) -> None:
    scenario.check_hover(findings)


def test_contract_diagnostic_appears_and_clears(findings: Findings) -> None:
    scenario.check_diagnostic_cycle(findings)


def test_quick_fix_offered_for_contract_diagnostic(findings: Findings) -> None:
    scenario.check_code_actions(findings)


def test_run_command_returns_expected_columns(findings: Findings) -> None:
    scenario.check_run(findings)


def test_results_view_shows_the_table(findings: Findings) -> None:
    scenario.check_results_view(findings)
