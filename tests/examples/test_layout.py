"""Every example is a folder with its script, inputs and a README that says how to run it."""

from __future__ import annotations

from pathlib import Path

import pytest
import run_all

from azml_lsp.settings import load_settings

SCRIPTS = run_all.example_scripts()


def test_the_documented_scenarios_and_the_python_27_script_are_there() -> None:
    names = ["hello_bundle", "scatter_matrix", "feature_selection", "join_two_inputs"]
    names += ["expression_service", "legacy_py27"]
    assert [s.parent.name for s in SCRIPTS] == sorted(names)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.parent.name)
def test_the_header_declares_a_dialect_and_inputs_that_exist(script: Path) -> None:
    settings = load_settings(script)
    assert settings.sources == [f"{script}:1"], "the '# azml:' header is the script's first line"
    assert settings.dialect in {"classic", "designer"}
    assert settings.dataset1 is not None
    for path in (settings.dataset1, settings.dataset2, settings.bundle):
        if path is not None:
            assert Path(path).is_relative_to(script.parent) and Path(path).exists(), path


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.parent.name)
def test_the_readme_gives_the_command_and_the_dialect(script: Path) -> None:
    readme = (script.parent / "README.md").read_text(encoding="utf-8")
    relative = script.relative_to(run_all.EXAMPLES_DIR.parent).as_posix()
    assert f"azml run {relative}" in readme
    assert f"**{load_settings(script).dialect}**" in readme
