"""Over LSP: the checker's findings on modules, members and arguments the target lacks, and
their quick fixes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.checker.test_cli import PYTHON2_AND_PACKAGES
from tests.checker.test_target_modules import PY2_BUNDLE_SCRIPT, python2_bundle
from tests.server.conftest import apply_edits, codes, diagnostics_of, open_script, replace_text
from tests.server.test_diagnostics_actions import edits_of, quick_fixes
from tests.surfaces.test_surfaces import DERIVED, SCRIPT

pytestmark = pytest.mark.asyncio(loop_scope="module")

DESIGNER = "# azml: dialect=designer\n"


async def test_python2_modules_members_and_packages_are_published(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "python2_packages.py", PYTHON2_AND_PACKAGES)
    wanted = {"AZ304", "AZ305", "AZ504"}
    found = await diagnostics_of(client, uri, lambda d: wanted <= set(codes(d)))
    lines = sorted((d.range.start.line + 1, d.code) for d in found if d.code in wanted)
    assert lines == [(1, "AZ305"), (2, "AZ504"), (6, "AZ304"), (7, "AZ304")]


async def test_surface_findings_and_their_quick_fixes(
    client: LanguageClient, workspace: Path
) -> None:
    text = DESIGNER + SCRIPT
    uri = open_script(client, workspace / "surface_rules.py", text)
    wanted = {"AZ304", "AZ401", "AZ404", "AZ405", "AZ406"}
    found = await diagnostics_of(client, uri, lambda d: wanted <= set(codes(d)))
    at = {(d.range.start.line, str(d.code)): d for d in found}  # 0-based: the header is line 0
    assert "`DataFrame.map` does not exist in pandas 0.25.3 (designer)" in at[(8, "AZ404")].message
    assert "`Series.case_when`" in at[(9, "AZ404")].message
    assert "takes no `key`" in at[(10, "AZ405")].message
    assert "use `sklearn.model_selection`" in at[(4, "AZ406")].message
    assert at[(11, "AZ304")].severity == types.DiagnosticSeverity.Error
    actions = await quick_fixes(client, uri, found)
    titles = {action.title: action for action in actions}
    moved = "Import from `sklearn.model_selection`"
    assert {"Use `.applymap(...)`", "Use `str.maketrans`", "Use `zip`", moved} <= set(titles)
    fixed = text
    for title in ("Use `.applymap(...)`", "Use `str.maketrans`", "Use `zip`"):
        fixed = apply_edits(fixed, edits_of(titles[title]))
    assert "dataframe1.applymap(str)" in fixed and "str.maketrans(" in fixed and "zip([1]" in fixed
    replace_text(client, uri, fixed, 2)
    after = await diagnostics_of(
        client, uri, lambda d: "AZ304" not in codes(d) and "AZ405" in codes(d)
    )
    assert (8, "AZ404") not in {(d.range.start.line, str(d.code)) for d in after}


async def test_derived_frames_and_members_gone_here(
    client: LanguageClient, workspace: Path
) -> None:
    uri = open_script(client, workspace / "derived.py", DESIGNER + DERIVED)
    found = await diagnostics_of(client, uri, lambda d: {"AZ401", "AZ404"} <= set(codes(d)))
    append = [d for d in found if d.code == "AZ401" and d.range.start.line == 7]
    assert append and "pandas 0.25.3" in append[0].message
    assert any(d.code == "AZ404" and d.range.start.line == 9 for d in found)
    gone = DESIGNER + "def azureml_main(dataframe1=None):\n    return dataframe1.tshift(1),\n"
    uri = open_script(client, workspace / "gone_here.py", gone)
    found = await diagnostics_of(client, uri, lambda d: "AZ401" in codes(d))
    (warning,) = [d for d in found if d.code == "AZ401"]
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert "`DataFrame.tshift` is in pandas 0.25.3 (designer)" in warning.message


async def test_a_python2_bundle_is_published(client: LanguageClient, workspace: Path) -> None:
    python2_bundle(workspace / "py2bundle.zip")
    text = "# azml: bundle=py2bundle.zip\n" + PY2_BUNDLE_SCRIPT
    uri = open_script(client, workspace / "py2_bundle_script.py", text)
    found = await diagnostics_of(client, uri, lambda d: "AZ505" in codes(d))
    lines = sorted(d.range.start.line for d in found if d.code == "AZ505")
    assert lines == [2, 3, 4]  # 0-based, after the header: oldlib, eggpkg, single
