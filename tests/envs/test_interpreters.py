"""Finding a CPython of a twin's version; a missing one is named with what to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from azml_lsp.envs.errors import NoInterpreterError
from azml_lsp.envs.interpreters import find_interpreter, inspect, install_hint


@pytest.mark.parametrize("python", ["2.7", "3.6", "3.8"])
def test_finds_and_runs_the_wanted_version(python: str) -> None:
    found = find_interpreter(python)  # fails with the "what to install" message when missing
    assert found.minor == python
    assert Path(found.path).is_file()
    assert inspect(found.path) == found


def test_python_27_is_a_wide_unicode_build() -> None:
    found = find_interpreter("2.7")
    assert found.tag.startswith("cp27mu-")


def test_explicit_path_is_checked() -> None:
    found = find_interpreter("3.8")
    assert find_interpreter("3.8", found.path) == found
    with pytest.raises(NoInterpreterError, match=r"is Python 3\.11\.\d+, but this twin needs 2\.7"):
        find_interpreter("2.7", sys.executable)
    with pytest.raises(NoInterpreterError, match="does not run as a CPython"):
        find_interpreter("3.8", "/nonexistent/python3.8")


def test_missing_version_says_what_to_install_and_where_it_looked() -> None:
    with pytest.raises(NoInterpreterError) as caught:
        find_interpreter("3.4")
    message = str(caught.value)
    assert message.startswith("no CPython 3.4 found: install it with 'pyenv install 3.4.10'")
    assert "uv python install" not in message  # uv has no 3.4
    assert "--python PATH" in message
    assert "PATH (python3.4, python3, python)" in message
    assert "versions/3.4.*" in message
    assert "cpython-3.4.*" in message
    assert "conda" in message


def test_install_hints() -> None:
    assert install_hint("2.7") == "install it with 'pyenv install 2.7.18'"
    assert (
        install_hint("3.8") == "install it with 'pyenv install 3.8.20' or 'uv python install 3.8'"
    )
    assert (
        install_hint("3.12") == "install it with 'pyenv install 3.12' or 'uv python install 3.12'"
    )
