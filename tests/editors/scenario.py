"""What every editor must show on the example workspace, checked from a driver's findings.

A driver opens ``example/score.py``, asks for hover on ``groupby`` and completion after
``dataframe1.``, renames ``azureml_main`` (a contract diagnostic must appear), restores it (the
diagnostic must clear), then runs the script with ``azml.run`` through the editor's own command.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import sys
import tempfile
from typing import Any

import pandas as pd

from tests.editors.harness import EXAMPLE_DIR, EXAMPLE_SCRIPT, Findings

RULE_CODE = re.compile(r"^AZ\d+$")


def expected_columns() -> list[str]:
    """The columns the example script gives for its declared dataset, computed here."""
    bundle = str(EXAMPLE_DIR / "lib")
    spec = importlib.util.spec_from_file_location("example_score", EXAMPLE_DIR / EXAMPLE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    frame = pd.read_csv(EXAMPLE_DIR / "sales.csv")
    sys.path.append(bundle)
    try:
        with tempfile.TemporaryDirectory() as workdir, contextlib.chdir(workdir):
            spec.loader.exec_module(module)
            result = module.azureml_main(frame)
    finally:
        sys.path.remove(bundle)
        sys.modules.pop("summary", None)
    return [str(c) for c in result[0].columns]


def codes(diagnostics: list[dict[str, Any]]) -> set[str]:
    return {str(d.get("code")) for d in diagnostics}


def describe(findings: Findings) -> str:
    """The driver's log, and the end of the server's log when there is one."""
    text = "driver log: " + "; ".join(findings.get("log", []))
    if findings.get("server_log_tail"):
        text += "\nend of the server log:\n" + findings["server_log_tail"]
    return text


def check_completion(findings: Findings) -> None:
    labels = findings.get("completion") or []
    assert "groupby" in labels, f"no groupby among {len(labels)} completions; {describe(findings)}"


def check_hover(findings: Findings) -> None:
    text = findings.get("hover") or ""
    assert "group" in text.lower(), f"hover on groupby says {text!r}; {describe(findings)}"


def check_diagnostic_cycle(findings: Findings) -> None:
    before = codes(findings.get("diagnostics_initial") or [])
    broken = codes(findings.get("diagnostics_broken") or [])
    fixed = codes(findings.get("diagnostics_fixed") or [])
    new = {c for c in broken - before if RULE_CODE.match(c)}
    assert new, f"no contract diagnostic without azureml_main: {broken}; {describe(findings)}"
    assert not new & fixed, f"{new & fixed} stayed after the fix; {describe(findings)}"


def check_code_actions(findings: Findings) -> None:
    titles = findings.get("code_actions") or []
    assert titles, f"no code action for the missing entry point; {describe(findings)}"


def check_run(findings: Findings) -> None:
    run = findings.get("run")
    assert run, f"azml.run gave nothing; {describe(findings)}"
    assert run["ok"], f"the run failed: {run.get('error')}"
    assert run["outputs"][0]["columns"] == expected_columns()


def check_results_view(findings: Findings) -> None:
    view = findings.get("results_view") or ""
    missing = [c for c in expected_columns() if c not in view]
    assert not missing, f"the results view lacks {missing}:\n{view}"
    images = (findings.get("run") or {}).get("images") or []
    assert images, f"the run collected no plot: {findings.get('run')}"
    assert all(image in view for image in images), f"the view does not list {images}:\n{view}"
    environment = (findings.get("run") or {}).get("environment") or ""
    assert environment.startswith("local: Python"), f"the run says it ran in {environment!r}"
    assert f"Ran in {environment}" in view, f"the view does not say where the run happened:\n{view}"
