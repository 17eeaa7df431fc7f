"""pip's output condensed, recorded hashes, the modules the probe imports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from azml_lsp.contract.twins import BUILTIN_TWINS, Pin
from azml_lsp.envs import hashes
from azml_lsp.envs.pipout import PipOutput
from azml_lsp.envs.probe import modules_to_check

PIP_19_ON_PY27 = """\
DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade.
Collecting numpy==1.11.0 (from -r /tmp/x/requirements.txt (line 1))
  Downloading https://files.pythonhosted.org/packages/numpy-1.11.0-cp27-cp27mu-manylinux1_x86_64.whl (15.3MB)
Collecting six==1.10.0 (from -r /tmp/x/requirements.txt (line 2))
  Using cached https://files.pythonhosted.org/packages/six-1.10.0-py2.py3-none-any.whl
Saved /tmp/x/wheels/six-1.10.0-py2.py3-none-any.whl
Successfully downloaded numpy six
"""


def test_pip_output_is_one_line_per_package() -> None:
    said: list[str] = []
    status: list[str] = []
    output = PipOutput(said.append, status.append, total=2)
    for line in PIP_19_ON_PY27.splitlines():
        output.feed(line + "\n")
    assert said == ["  numpy==1.11.0  downloaded (15.3MB)", "  six==1.10.0  cached"]
    assert status == ["fetching numpy==1.11.0 (1/2)", "fetching six==1.10.0 (2/2)"]
    assert not any("DEPRECATION" in line for line in output.tail)
    assert output.tail[-1] == "Successfully downloaded numpy six"


def test_every_builtin_pin_has_a_recorded_hash() -> None:
    if not hashes.platform_recorded():
        return
    for spec in BUILTIN_TWINS.values():
        recorded, note = hashes.hashes_for(spec)
        assert recorded is not None, note
        assert set(recorded) == set(spec.requirements)
        assert all(h.startswith("sha256:") for hs in recorded.values() for h in hs)


def test_a_pin_without_a_hash_turns_hash_checking_off_with_one_line() -> None:
    spec = BUILTIN_TWINS["designer"]
    moved = dataclasses.replace(spec, packages=(*spec.packages[:-1], Pin("six", "1.15.0")))
    recorded, note = hashes.hashes_for(moved)
    assert recorded is None
    assert "hashes are not checked" in note
    assert "six==1.15.0" in note
    assert "python -m azml_lsp.envs.hashes designer" in note


def test_probe_imports_the_wheels_top_level_module(tmp_path: Path) -> None:
    info = tmp_path / "python_dateutil-2.8.2.dist-info"
    info.mkdir()
    (info / "top_level.txt").write_text("dateutil\n")
    modules = modules_to_check(BUILTIN_TWINS["designer"], tmp_path)
    assert modules["python-dateutil"] == "dateutil"
    assert modules["pandas"] == "pandas"  # not installed here: the spec's rule


def test_probe_skips_a_wheels_bundled_library_folder(tmp_path: Path) -> None:
    """Wheels repaired by auditwheel list ``scikit_learn.libs/`` first in RECORD: not a module."""
    info = tmp_path / "scikit_learn-0.24.2.dist-info"
    info.mkdir()
    (info / "RECORD").write_text(
        "scikit_learn.libs/libgomp-a34b3233.so.1.0.0,sha256=x,1\n"
        "scikit_learn-0.24.2.dist-info/METADATA,sha256=x,1\n"
        "sklearn/__init__.py,sha256=x,1\n"
    )
    assert modules_to_check(BUILTIN_TWINS["designer-py39"], tmp_path)["scikit-learn"] == "sklearn"
