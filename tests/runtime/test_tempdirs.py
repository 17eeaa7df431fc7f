"""Temp folders a killed owner left behind are removed by the next run; live and kept ones stay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from azml_lsp.runtime.rundir import PREFIX
from azml_lsp.runtime.tempdirs import LOCK_NAME, OwnedTempDir, sweep
from tests.runtime.conftest import write_script

HOLD = """
import sys, time
from azml_lsp.runtime.tempdirs import OwnedTempDir
folder = OwnedTempDir("azml-test-")
print(folder.path, flush=True)
time.sleep(600)
"""


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private system temp folder, for this process and the processes it starts."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    monkeypatch.setenv("TMPDIR", str(root))
    return root


def _holder() -> tuple[subprocess.Popen[str], Path]:
    """Another process that owns a temp folder until it is killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_a_folder_whose_owner_was_killed_is_swept(temp_root: Path) -> None:
    process, folder = _holder()
    try:
        assert folder.parent == temp_root and folder.is_dir()
        assert sweep("azml-test-") == [], "a live owner's folder was swept"
        assert folder.is_dir()
    finally:
        process.kill()
        process.wait()
    assert folder.is_dir()
    fresh = OwnedTempDir("azml-test-")
    assert not folder.exists()
    assert fresh.path.is_dir()
    fresh.release()
    assert not fresh.path.exists()


def test_a_kept_folder_is_never_swept(temp_root: Path) -> None:
    kept = OwnedTempDir("azml-test-")
    kept.release(keep=True)
    assert not (kept.path / LOCK_NAME).exists()
    assert sweep("azml-test-") == []
    assert kept.path.is_dir()


def test_a_killed_azml_run_leaves_nothing_once_the_next_run_starts(
    temp_root: Path, tmp_path: Path
) -> None:
    slow = write_script(
        tmp_path, "import time\n\ndef azureml_main(df=None):\n    time.sleep(600)\n"
    )
    command = [sys.executable, "-m", "azml_lsp", "run", "--json", "--out", str(tmp_path / "out")]
    process = subprocess.Popen([*command, str(slow)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(temp_root.glob(f"{PREFIX}*/control/request.json")):
            assert time.monotonic() < deadline, "the run did not start"
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    left = list(temp_root.glob(f"{PREFIX}*"))
    assert len(left) == 1, left
    quick = tmp_path / "quick"
    quick.mkdir()
    fine = write_script(quick, "def azureml_main(df=None):\n    return None\n")
    assert subprocess.run([*command, str(fine)], capture_output=True).returncode == 0
    assert list(temp_root.glob(f"{PREFIX}*")) == []
