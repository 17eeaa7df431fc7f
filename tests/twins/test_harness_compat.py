"""The harness is plain Python 2.7 to 3.13: it compiles in each interpreter twins use, and a
frame crosses the exchange format there and back with its dtypes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from azml_lsp.envs.interpreters import find_interpreter

HARNESS = Path(__file__).resolve().parents[2] / "azml_lsp" / "harness"
SOURCE_ROOT = HARNESS.parents[1]


@pytest.mark.parametrize("version", ["2.7", "3.6", "3.8"])
def test_every_harness_module_compiles(version: str) -> None:
    python = find_interpreter(version).path
    files = sorted(str(p) for p in HARNESS.glob("*.py"))
    script = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    with open(path) as f: source = f.read()\n"
        "    compile(source, path, 'exec')\n"
        "    assert 'from __future__ import' in source or path.endswith('__init__.py'), path\n"
    )
    done = subprocess.run([python, "-c", script, *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_text_arrives_as_str_on_python_27() -> None:
    python = find_interpreter("2.7").path
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from azml_lsp.harness.exchange import native_text, UNICODE\n"
        "assert UNICODE is unicode\n"
        "assert type(native_text(u'abc')) is str and type(native_text(u'\\xe9')) is unicode\n"
    )
    done = subprocess.run(
        [python, "-B", "-c", code, str(SOURCE_ROOT)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
