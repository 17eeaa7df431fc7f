"""Creating, listing, checking and removing twins through the real CLI, pip and interpreters."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from azml_lsp.contract.twins import BUILTIN_TWINS, NO_WHEEL
from azml_lsp.envs import store
from azml_lsp.envs.create import create
from azml_lsp.envs.interpreters import find_interpreter
from tests.envs.conftest import Azml


def _entries(root: Path) -> list[str]:
    folder = root / "twins"
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


def test_create_list_doctor_remove(azml: Azml, store_dir: Path) -> None:
    done = azml("env", "create", "tiny")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "creating the tiny twin with Python 3.8." in done.stdout
    assert "six==1.16.0" in done.stdout
    assert "hashes are not checked: only the built-in twins have recorded hashes" in done.stdout
    assert "created tiny twin: Python 3.8." in done.stdout
    assert _entries(store_dir) == ["tiny"]
    record = json.loads((store_dir / "twins" / "tiny" / "twin.json").read_text())
    assert record["packages"] == {"six": "1.16.0"}
    assert record["python_version"].startswith("3.8.")
    assert record["site"] == str(store_dir / "twins" / "tiny" / "site")
    assert record["size"] > 0

    again = azml("env", "create", "tiny")
    assert again.returncode == 0, again.stderr
    assert "already created and up to date" in again.stdout
    assert "creating" not in again.stdout

    listed = azml("env", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert set(rows) >= {"classic-py27", "classic-py35", "designer", "tiny", "broken"}
    assert rows["tiny"]["created"] is True
    assert rows["tiny"]["status"] == "yes"
    assert rows["tiny"]["builtin"] is False
    assert rows["tiny"]["python_version"].startswith("3.8.")
    assert rows["designer"]["created"] is False
    assert rows["designer"]["pandas"] == pinned("designer", "pandas")

    table = azml("env", "list")
    assert table.returncode == 0, table.stderr
    header, *lines = table.stdout.splitlines()
    assert header.split() == ["NAME", "DIALECT", "CREATED", "INTERPRETER", "SIZE", "PANDAS"]
    tiny = next(line for line in lines if line.startswith("tiny "))
    assert tiny.split()[:4] == ["tiny", "designer", "yes", "Python"]
    assert "(needs Python 2.7)" in next(line for line in lines if line.startswith("classic-py27"))

    doctor = azml("env", "doctor", "tiny")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "tiny twin: Python 3.8." in doctor.stdout
    six = next(line for line in doctor.stdout.splitlines() if line.startswith("  six "))
    assert six.split() == ["six", "1.16.0", "1.16.0", "same", "as", "the", "cloud"]
    assert doctor.stdout.rstrip().endswith("ok")

    removed = azml("env", "remove", "tiny")
    assert removed.returncode == 0, removed.stderr
    assert "removed the tiny twin" in removed.stdout
    assert _entries(store_dir) == []
    assert azml("env", "remove", "tiny").stdout.strip() == "tiny is not created: nothing to remove"
    assert azml("env", "doctor", "tiny").returncode == 1


def test_failed_create_leaves_nothing(azml: Azml, store_dir: Path) -> None:
    leftover = store_dir / "twins" / ".broken.partial-killed"
    (leftover / "site").mkdir(parents=True)  # what a killed create leaves behind
    done = azml("env", "create", "broken")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "azml env create: the broken twin: could not download its wheels" in done.stderr
    assert "six==0.0.0" in done.stderr  # pip's own last lines
    assert _entries(store_dir) == []
    assert store.installed("broken") is None


def test_usage_errors_exit_2(azml: Azml) -> None:
    unknown = azml("env", "create", "nope")
    assert unknown.returncode == 2
    assert "unknown twin 'nope'" in unknown.stderr
    ancient = azml("env", "create", "ancient")
    assert ancient.returncode == 2
    assert "no CPython 3.4 found: install it with 'pyenv install 3.4.10'" in ancient.stderr
    wrong = azml("env", "create", "tiny", "--python", find_interpreter("2.7").path)
    assert wrong.returncode == 2
    assert "but this twin needs 3.8" in wrong.stderr


def test_twin_whose_interpreter_vanished_is_not_installed(
    store_dir: Path, project: Path, tmp_path: Path
) -> None:
    link = tmp_path / "bin" / "python3.8"
    link.parent.mkdir()
    os.symlink(find_interpreter("3.8").path, link)
    result = create("tiny", python=link, project_dir=project, say=lambda _line: None)
    assert result.built
    twin = store.installed("tiny")
    assert twin is not None
    assert twin.python == str(link)
    assert twin.summary().startswith("tiny twin: Python 3.8.")
    assert twin.packages == {"six": "1.16.0"}
    assert Path(twin.site, "six.py").is_file()
    link.unlink()
    assert store.installed("tiny") is None
    twin, problem = store.lookup("tiny")
    assert problem is not None and f"its interpreter {link} is gone" in problem
    assert "azml env create tiny --force" in problem


def test_force_replaces_the_twin(store_dir: Path, project: Path) -> None:
    first = create("tiny", project_dir=project, say=lambda _line: None)
    marker = Path(first.twin.site) / "marker"
    marker.write_text("old")
    second = create("tiny", project_dir=project, force=True, say=lambda _line: None)
    assert second.built
    assert not marker.exists()
    assert _entries(store_dir) == ["tiny"]
    assert store.installed("tiny") == second.twin


def test_builtin_classic_py27(azml: Azml, store_dir: Path) -> None:
    done = azml("env", "create", "classic-py27")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hashes are not checked" not in done.stdout
    twin = store.installed("classic-py27")
    assert twin is not None
    pandas = pinned("classic-py27", "pandas")
    assert twin.summary() == f"classic-py27 twin: Python 2.7.18, pandas {pandas}"
    for pin in BUILTIN_TWINS["classic-py27"].packages:
        assert twin.packages[pin.name] == pin.version
    doctor = azml("env", "doctor", "classic-py27")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert f"deviation: {NO_WHEEL}" in doctor.stdout
    assert "debugger for azml debug" in doctor.stdout


def test_terminated_create_leaves_nothing(store_dir: Path, project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "azml_lsp", "env", "create", "designer"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("  "):  # the first package line: pip is at work
            break
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted: nothing half-made was kept" in err
    assert _entries(store_dir) == []


def pinned(twin: str, package: str) -> str:
    """The version the built-in ``twin`` pins for ``package``."""
    return next(p.version for p in BUILTIN_TWINS[twin].packages if p.name == package)
