"""What only the VS Code extension does: the .vsix, code lenses, the results panel, debugging."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from azml_lsp.settings import load_settings
from tests.editors.harness import Findings, shared_findings
from tests.editors.scenario import describe
from tests.editors.vscode_session import vscode

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Findings:
    return shared_findings("vscode", tmp_path_factory, vscode)


def test_vsix_is_built_with_the_bundle(findings: Findings) -> None:
    with zipfile.ZipFile(findings["vsix"]) as vsix:
        names = set(vsix.namelist())
    assert {"extension/package.json", "extension/dist/extension.js"} <= names


def test_code_lenses_offer_run_and_debug(findings: Findings) -> None:
    titles = findings.get("code_lenses") or []
    assert any("Run" in t for t in titles), f"code lenses: {titles}; {describe(findings)}"
    assert any("Debug" in t for t in titles), f"code lenses: {titles}; {describe(findings)}"


def test_results_panel_shows_the_plot(findings: Findings) -> None:
    images = findings.get("panel_images") or []
    assert images, f"the results panel has no image; {describe(findings)}"
    assert all(i["complete"] and i["width"] > 0 for i in images), images
    assert Path(findings["screenshot"]).stat().st_size > 0


def test_missing_server_is_reported_with_the_install_command(findings: Findings) -> None:
    message = findings.get("missing_server_message") or ""
    assert "azml_lsp" in message and "pip install azml-lsp" in message, describe(findings)


def test_check_workspace_counts_what_the_cli_finds(findings: Findings) -> None:
    workspace = Path(findings["workspace"])
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "azml_lsp",
            "check",
            "--format",
            "json",
            str(workspace),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.startswith("["), f"azml check failed ({done.returncode}): {done.stderr}"
    expected = len(json.loads(done.stdout))
    assert expected > 0, f"the example workspace should have a finding: {done.stdout}"
    assert findings.get("check_total") == expected, describe(findings)


def test_saved_inputs_are_read_by_the_cli(findings: Findings) -> None:
    script = Path(findings["inputs_script"])
    assert findings.get("inputs_saved"), describe(findings)
    settings = load_settings(script)
    assert settings.dataset1 is not None
    assert Path(settings.dataset1) == script.parent / "sales.csv"
    assert settings.dialect == "designer", "the header's other keys must stay"


def test_debug_stops_at_breakpoints_in_script_and_bundle_folder(findings: Findings) -> None:
    debug = findings.get("debug") or {}
    stops = {(str(stop.get("path")), stop.get("line")) for stop in debug.get("stops", [])}
    for wanted in debug.get("breakpoints", []):
        hit = [s for s in stops if s[0].endswith(wanted["path"]) and s[1] == wanted["line"]]
        assert hit, f"no stop at {wanted}; stops: {stops}; {describe(findings)}"
    assert len(debug["breakpoints"]) == 2, debug
    assert debug.get("terminated"), f"the session did not end after continuing: {debug}"
