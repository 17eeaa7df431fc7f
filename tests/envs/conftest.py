"""A private twin store per test, sharing the downloaded wheels between tests and runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SHARED_PIP_CACHE = Path.home() / ".cache" / "azml-lsp" / "pip-cache"
"""Downloads are shared (``$AZML_PIP_CACHE``); twins never are."""

Azml = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("AZML_CACHE_DIR", str(root))
    monkeypatch.setenv("AZML_PIP_CACHE", os.environ.get("AZML_PIP_CACHE", str(SHARED_PIP_CACHE)))
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project declaring ``tiny`` (Python 3.8, six only) and ``broken`` (a pin that does not
    exist)."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        "[tool.azml.envs.tiny]\n"
        'python = "3.8"\n'
        'requirements = ["six==1.16.0"]\n'
        "\n"
        "[tool.azml.envs.broken]\n"
        'python = "3.8"\n'
        'requirements = ["six==0.0.0"]\n'
        "\n"
        "[tool.azml.envs.ancient]\n"
        'python = "3.4"\n'
        'requirements = ["six==1.16.0"]\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def azml(store_dir: Path, project: Path) -> Azml:
    """Run ``python -m azml_lsp ARGS`` in the project with the private store."""

    def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "azml_lsp", *args],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(os.environ),
        )

    return run
