"""What only the VS Code extension does: the .vsix, code lenses, the results panel, debugging,
and the migration to the designer (its verification report in the panel, its code action)."""

from __future__ import annotations

import ast
import html
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from azml_lsp.settings import load_settings
from tests.editors.harness import Findings, shared_findings
from tests.editors.scenario import describe, expected_columns
from tests.editors.vscode_session import MIGRATE_TWINS, MIGRATE_WORKSPACE, vscode, vscode_migrate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Findings:
    return shared_findings("vscode", tmp_path_factory, vscode)


@pytest.fixture(scope="module")
def migration(tmp_path_factory: pytest.TempPathFactory) -> Findings:
    """ "Verify Migration to Designer", then "Migrate script to designer", on legacy27.py."""
    return shared_findings("vscode-migrate", tmp_path_factory, vscode_migrate)


def test_vsix_is_built_with_the_bundle(findings: Findings) -> None:
    with zipfile.ZipFile(findings["vsix"]) as vsix:
        names = set(vsix.namelist())
    assert {"extension/package.json", "extension/dist/extension.js"} <= names


def test_code_lenses_offer_run_and_debug(findings: Findings) -> None:
    titles = findings.get("code_lenses") or []
    assert any("Run" in t for t in titles), f"code lenses: {titles}; {describe(findings)}"
    assert any("Debug" in t for t in titles), f"code lenses: {titles}; {describe(findings)}"


def test_run_code_lens_runs_through_the_extension(findings: Findings) -> None:
    lens_run = findings.get("lens_run")
    assert lens_run, f"the Run lens gave no result; {describe(findings)}"
    assert lens_run["ok"], lens_run.get("error")
    assert lens_run["outputs"][0]["columns"] == expected_columns()


def test_failed_run_links_the_panel_to_the_failing_line(findings: Findings) -> None:
    script = Path(findings["failed_script"])
    failing = 1 + next(
        i for i, t in enumerate(script.read_text().splitlines()) if "dataframe1[" in t
    )
    failed = findings.get("failed_run") or {}
    assert failed.get("ok") is False, f"{script.name} should fail: {failed}; {describe(findings)}"
    assert failed["error"]["line"] == failing, failed["error"]
    assert f'data-line="{failing}"' in findings["failed_panel_html"]


def test_results_panel_says_where_the_run_happened(findings: Findings) -> None:
    environment = (findings.get("failed_run") or {}).get("environment") or ""
    assert environment.startswith("local: Python"), f"{environment!r}; {describe(findings)}"
    line = f'<p class="environment">Ran in {html.escape(environment)}</p>'
    assert line in findings["failed_panel_html"]


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


def _position(position: dict[str, int]) -> tuple[int, int]:
    return position["line"], position["character"]


def _misplaced(symbols: list[dict[str, Any]]) -> list[str]:
    """Symbols whose selectionRange is not inside their range (VS Code rejects the reply)."""
    wrong = []
    for symbol in symbols:
        outer, inner = symbol["range"], symbol["selectionRange"]
        inside = _position(outer["start"]) <= _position(inner["start"])
        inside = inside and _position(inner["end"]) <= _position(outer["end"])
        if not inside:
            wrong.append(f"{symbol['name']}: {inner} not in {outer}")
        wrong += _misplaced(symbol.get("children") or [])
    return wrong


def test_document_symbols_are_valid_for_vs_code(findings: Findings) -> None:
    replies: dict[str, Any] = findings.get("document_symbols") or {}
    assert replies, describe(findings)
    wrong = {name: _misplaced(reply or []) for name, reply in replies.items()}
    assert not any(wrong.values()), wrong


def test_bundle_module_gets_no_missing_entry_point_error(findings: Findings) -> None:
    diagnostics = findings.get("bundle_diagnostics") or []
    assert not [d for d in diagnostics if d["code"] == "AZ001"], diagnostics


MIGRATED_SCRIPT = "legacy27.py"


def _original() -> str:
    return (MIGRATE_WORKSPACE / MIGRATED_SCRIPT).read_text()


def test_verify_migration_shows_the_equal_report_in_the_panel(migration: Findings) -> None:
    verify = migration.get("verify")
    assert verify, f"azml.verifyMigration gave nothing; {describe(migration)}"
    assert verify["equal"] is True, f"{verify['verdict']}; {verify['findings']}"
    assert [verify["from"], verify["to"]] == list(MIGRATE_TWINS)
    assert verify["verdict"].startswith("equal:"), verify["verdict"]
    report = Path(verify["report"])
    assert report.parent == Path(migration["workspace"]) / "azml-out" / "migrate-legacy27"
    summary = json.loads(Path(verify["summary"]).read_text())
    assert summary["equal"] is True and summary["envs"] == list(MIGRATE_TWINS)
    panel = migration["verify_panel_html"]
    assert panel == report.read_text(), "the panel does not show the report"
    assert f"<p class='equal'>{html.escape(verify['verdict'])}</p>" in panel
    shown = migration.get("report_view") or ""
    assert verify["verdict"] in shown, f"the webview shows {shown!r}; {describe(migration)}"


def test_verify_migration_leaves_the_script_unchanged(migration: Findings) -> None:
    original = _original()
    after = migration.get("after_verify")
    assert after == {"document": original, "dirty": False, "disk": original}, describe(migration)
    migrated = Path(migration["workspace"]) / "azml-out" / "migrate-legacy27" / "migrated"
    assert (migrated / MIGRATED_SCRIPT).read_text() != original


def test_migrate_action_puts_azml_migrates_text_in_the_document(
    migration: Findings, tmp_path: Path
) -> None:
    action = migration.get("migrate_action")
    assert action, f"no migration action; {describe(migration)}"
    assert action["title"].startswith("Migrate script to designer"), action["title"]
    assert action["kind"] == "refactor.rewrite" and action["applied"] is True, action
    shutil.copytree(MIGRATE_WORKSPACE, tmp_path / "cli")
    done = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "migrate", MIGRATED_SCRIPT, "--to", "designer",
         "--write"],
        cwd=tmp_path / "cli", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = (tmp_path / "cli" / MIGRATED_SCRIPT).read_text()
    assert action["document"] == expected, "the action's text is not azml migrate's"
    verified = Path(migration["workspace"]) / "azml-out" / "migrate-legacy27" / "migrated"
    assert (verified / MIGRATED_SCRIPT).read_text() == expected, "the verified text differs"
    ast.parse(action["document"])  # Python 3 now
    with pytest.raises(SyntaxError):
        ast.parse(_original())
    assert action["dirty"] is True and action["disk"] == _original(), "the action saved the file"
    reverted = migration.get("after_revert")
    assert reverted == {"document": _original(), "dirty": False, "disk": _original()}
    assert (Path(migration["workspace"]) / MIGRATED_SCRIPT).read_text() == _original()
