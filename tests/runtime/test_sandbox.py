"""``--sandbox strict``: network, writes outside the working directory and reads of the home
folder are blocked with a clear message; what stays allowed still works."""

from __future__ import annotations

from pathlib import Path

import pytest

from azml_lsp.cache import cache_root
from tests.runtime.conftest import Runner, output_frame

ATTEMPT = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    {action}
    return pd.DataFrame({{"done": [1]}}),
"""


BLOCKED = [
    ("import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)", "network access"),
    (
        "__import__('urllib2' if bytes is str else 'urllib.request', fromlist=['urlopen'])"
        ".urlopen('http://example.invalid/')",
        "network access",
    ),
    ("open({outside!r}, 'w').write('x')", "writing"),
    ("import os; os.remove({outside!r})", "writing"),
    ("import shutil; shutil.rmtree({outside_dir!r})", "writing"),
    ("open({home_file!r}).read()", "reading"),
]
"""Actions the sandbox refuses (valid Python 2 and 3), and the words its message has."""


def assert_blocked(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: str, words: str
) -> None:
    """``action`` fails at its line with the sandbox's message and changes nothing outside."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret.txt").write_text("s")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    monkeypatch.setenv("AZML_CACHE_DIR", str(cache_root()))  # twins stay where they were made
    monkeypatch.setenv("HOME", str(home))
    code = action.format(
        outside=str(outside), outside_dir=str(tmp_path), home_file=str(home / "secret.txt")
    )
    result = run(ATTEMPT.format(action=code), sandbox="strict")
    assert result.error is not None, "the sandbox let it through"
    assert "--sandbox strict" in result.error.message
    assert words in result.error.message
    assert result.error.line == 4
    assert outside.read_text() == "keep me"


@pytest.mark.parametrize(("action", "words"), BLOCKED)
def test_strict_blocks(
    run_script: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: str, words: str
) -> None:
    assert_blocked(run_script, tmp_path, monkeypatch, action, words)


def test_strict_allows_the_working_directory_and_inputs(run_script: Runner, csv1: Path) -> None:
    action = "open('note.txt', 'w').write('ok'); import os; os.makedirs('d/e'); open('d/e/f.txt', 'w').close()"
    result = run_script(ATTEMPT.format(action=action), sandbox="strict", dataset1=str(csv1))
    assert result.ok, result.error
    assert output_frame(result)["done"].tolist() == [1]


def test_off_allows_what_strict_blocks(run_script: Runner, tmp_path: Path) -> None:
    outside = tmp_path / "written.txt"
    result = run_script(
        ATTEMPT.format(action=f"open({str(outside)!r}, 'w').write('x')"), sandbox="off"
    )
    assert result.ok and outside.read_text() == "x"
