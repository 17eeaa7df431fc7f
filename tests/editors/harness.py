"""Runs a real editor, headless, against the real ``azml lsp`` and collects what it saw.

Every editor keeps its HOME, XDG folders and temp files inside the test's own folder. A driver
script inside the editor writes its findings as JSON to ``$AZML_FINDINGS``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EDITORS_DIR = REPO / "editors"
TESTS_DIR = Path(__file__).resolve().parent
EXAMPLE_DIR = TESTS_DIR / "example"
EXAMPLE_SCRIPT = "score.py"
CACHE_DIR = Path(
    os.environ.get("AZML_EDITORS_CACHE", Path.home() / ".cache" / "azml-lsp-editors")
).expanduser()

SERVER_CACHE = CACHE_DIR / "server-cache"
"""The server's own cache (jedi's parsed stubs, matplotlib's fonts), shared by test runs: a cold
one makes the first completion on pandas take tens of seconds on a small machine."""

Findings = dict[str, Any]


def server_python() -> Path:
    """This interpreter, behind a wrapper that points the server's caches at SERVER_CACHE."""
    wrapper = CACHE_DIR / "bin" / "python-azml-lsp"
    text = f'#!/bin/sh\nXDG_CACHE_HOME={shlex.quote(str(SERVER_CACHE))} exec {shlex.quote(sys.executable)} "$@"\n'
    if not wrapper.exists() or wrapper.read_text() != text:
        wrapper.parent.mkdir(parents=True, exist_ok=True)
        SERVER_CACHE.mkdir(parents=True, exist_ok=True)
        partial = wrapper.with_suffix(f".{os.getpid()}")
        partial.write_text(text)
        partial.chmod(0o755)
        partial.replace(wrapper)
    return wrapper


def server_command() -> list[str]:
    """The command that starts the language server: ``$AZML_LSP_CMD`` (a JSON list) or ours."""
    override = os.environ.get("AZML_LSP_CMD")
    if override:
        command = json.loads(override)
        if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
            raise ValueError(f"AZML_LSP_CMD must be a JSON list of strings, got {override!r}")
        return command
    return [str(server_python()), "-m", "azml_lsp", "lsp"]


def sandbox_env(root: Path, **extra: str) -> dict[str, str]:
    """An environment whose HOME, XDG folders and temp folder all live under ``root``."""
    folders = {
        "HOME": "home",
        "XDG_CONFIG_HOME": "home/.config",
        "XDG_CACHE_HOME": "home/.cache",
        "XDG_DATA_HOME": "home/.local/share",
        "XDG_STATE_HOME": "home/.local/state",
        "XDG_RUNTIME_DIR": "run",
        "TMPDIR": "tmp",
    }
    env = dict(os.environ)
    for name, relative in folders.items():
        path = root / relative
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        env[name] = str(path)
    command = server_command()
    if "AZML_LSP_CMD" not in os.environ:
        command += ["--log-file", str(root / "server.log")]
    env["AZML_LSP_CMD"] = json.dumps(command)
    env["AZML_EDITORS"] = str(EDITORS_DIR)
    env.update(extra)
    return env


def copy_example(root: Path) -> Path:
    """A fresh copy of the example workspace under ``root``."""
    workspace = root / "workspace"
    shutil.copytree(EXAMPLE_DIR, workspace)
    return workspace


def require_program(name: str) -> str:
    """The path of an installed program, or a skip that says how to install it."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed: run editors/install-test-deps.sh")
    return path


def run_driver(root: Path, argv: list[str], timeout_s: float, **extra: str) -> Findings:
    """Run an editor with a driver in a fresh workspace and return the driver's findings."""
    workspace = copy_example(root)
    findings_file = root / "findings.json"
    env = sandbox_env(root, AZML_FINDINGS=str(findings_file), **extra)
    try:
        done = subprocess.run(
            argv,
            cwd=workspace,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"{argv[0]} did not finish in {timeout_s:.0f} s: {exc.stderr!r}"
        ) from exc
    (root / "editor.log").write_text(done.stdout + "\n--- stderr ---\n" + done.stderr)
    if not findings_file.exists():
        raise AssertionError(
            f"{argv[0]} wrote no findings (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    findings: Findings = json.loads(findings_file.read_text())
    findings["exit_code"] = done.returncode
    server_log = root / "server.log"
    if server_log.exists():
        findings["server_log_tail"] = server_log.read_text(errors="replace")[-3000:]
    return findings


@contextmanager
def warm_server_cache() -> Iterator[None]:
    """Let the first editor run alone while the server's cache is cold, then the rest at once."""
    import jedi

    stamp = (
        SERVER_CACHE / f".warm-py{sys.version_info[0]}.{sys.version_info[1]}-jedi{jedi.__version__}"
    )
    if stamp.exists():
        yield
        return
    SERVER_CACHE.mkdir(parents=True, exist_ok=True)
    with open(SERVER_CACHE / ".warm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
        stamp.touch()


_PRODUCED: dict[str, Findings] = {}


def shared_findings(
    name: str, factory: pytest.TempPathFactory, produce: Callable[[Path], Findings]
) -> Findings:
    """Produce an editor's findings once per test run, even across pytest-xdist workers."""
    if name not in _PRODUCED:
        _PRODUCED[name] = _produce_once(name, factory, lambda root: _guarded(produce, root))
    findings = _PRODUCED[name]
    if "harness_error" in findings:
        raise AssertionError(f"{name}: {findings['harness_error']}")
    return findings


def _guarded(produce: Callable[[Path], Findings], root: Path) -> Findings:
    """The findings, or the error that stopped the editor, so that it is reported only once."""
    try:
        return produce(root)
    except Exception as exc:
        return {"harness_error": f"{type(exc).__name__}: {exc}", "log": []}


def _produce_once(
    name: str, factory: pytest.TempPathFactory, produce: Callable[[Path], Findings]
) -> Findings:
    if "PYTEST_XDIST_WORKER" not in os.environ:
        with warm_server_cache():
            return produce(factory.mktemp(name))
    root = factory.getbasetemp().parent / f"editor-{name}"
    root.mkdir(exist_ok=True)
    cached = root / "cached-findings.json"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached.exists():
            with warm_server_cache():
                findings = produce(factory.mktemp(name))
            cached.write_text(json.dumps(findings))
        cached_findings: Findings = json.loads(cached.read_text())
        return cached_findings
