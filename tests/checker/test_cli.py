"""``azml check`` and ``azml rule`` as child processes on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from tests.checker.test_target_modules import PY2_BUNDLE_SCRIPT, python2_bundle

SCHEMA = json.loads((Path(__file__).parent / "sarif_schema.json").read_text())
BAD = (
    "import pandas as pd\n\n"
    "def azureml_main(dataframe1=None, dataframe2=None):\n"
    "    print 'rows', len(dataframe1)\n"
    "    return [dataframe1, dataframe2]\n"
)
CLEAN = "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"


def azml(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azml_lsp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_text_output_and_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    result = azml("check", ".", "--no-inference", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "bad.py:4:5: AZ302 " in lines[0]
    assert any(":5:12: AZ203 " in line for line in lines)
    assert "Found" in result.stderr
    clean = azml("check", "pkg", cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""
    (tmp_path / "pkg" / "helper.py").write_text("def clean(frame):\n    return frame\n")
    helper_skipped = azml("check", "pkg", cwd=tmp_path)
    assert helper_skipped.returncode == 0 and "1 file(s)" in helper_skipped.stderr
    named = azml("check", "pkg/helper.py", cwd=tmp_path)
    assert named.returncode == 1 and "AZ001" in named.stdout


def test_json_output_is_one_based(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    result = azml("check", "bad.py", "--format", "json", "--no-inference", cwd=tmp_path)
    items = json.loads(result.stdout)
    by_code = {item["code"]: item for item in items}
    assert set(items[0]) == {
        "path", "line", "column", "end_line", "end_column", "code", "severity", "message", "fix",
    }  # fmt: skip
    assert (by_code["AZ302"]["line"], by_code["AZ302"]["column"]) == (4, 5)
    assert by_code["AZ302"]["severity"] == "error"
    assert by_code["AZ302"]["fix"]["edits"][0]["new_text"] == "print('rows', len(dataframe1))"


def test_sarif_output_validates(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    result = azml("check", "bad.py", "--format", "sarif", "--no-inference", cwd=tmp_path)
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for item in run["results"]:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
    assert run["columnKind"] == "unicodeCodePoints"


def test_fix_rewrites_the_file(tmp_path: Path) -> None:
    script = tmp_path / "bad.py"
    script.write_text(BAD)
    result = azml("check", "bad.py", "--fix", "--no-inference", cwd=tmp_path)
    fixed = script.read_text()
    assert "print('rows', len(dataframe1))" in fixed
    assert "return (dataframe1, dataframe2)" in fixed
    assert "applied 2 fix(es), resolving AZ203, AZ302" in result.stderr
    assert result.returncode == 0, result.stdout
    helper = tmp_path / "helper.py"
    helper.write_text("def main(df):\n    return df,\n")
    unsafe_only = azml("check", "helper.py", "--fix", cwd=tmp_path)
    assert unsafe_only.returncode == 1 and "AZ001" in unsafe_only.stdout
    assert helper.read_text() == "def main(df):\n    return df,\n"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(CLEAN)
    missing = azml("check", "nope.py", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.py" in missing.stderr
    unknown = azml("check", "ok.py", "--select", "AZ777", cwd=tmp_path)
    assert unknown.returncode == 2 and "AZ777" in unknown.stderr
    bad_rule = azml("rule", "AZ777", cwd=tmp_path)
    assert bad_rule.returncode == 2 and "AZ777" in bad_rule.stderr


def test_settings_from_pyproject_apply(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.azml]\ndialect = "classic"\nignore = ["AZ302"]\n'
    )
    (tmp_path / "bad.py").write_text(BAD)
    result = azml("check", "bad.py", "--format", "json", "--no-inference", cwd=tmp_path)
    found = {item["code"] for item in json.loads(result.stdout)}
    assert "AZ302" not in found and "AZ203" not in found
    (tmp_path / "pyproject.toml").write_text("[tool.azml]\ncolour = 1\n")
    broken = azml("check", "bad.py", cwd=tmp_path)
    assert broken.returncode == 2 and "colour" in broken.stderr


def test_rule_command_prints_docs(tmp_path: Path) -> None:
    one = azml("rule", "az203", cwd=tmp_path)
    assert one.returncode == 0 and "### How to fix" in one.stdout
    listing = azml("rule", "--all", cwd=tmp_path)
    assert "AZ001" in listing.stdout and "AZ609" in listing.stdout


PYTHON2_AND_PACKAGES = (
    "import urllib2\nimport jedi\nimport string\n\n"
    "def azureml_main(dataframe1=None, dataframe2=None):\n"
    "    table = string.maketrans('a', 'b')\n"
    "    text = 'abc'.translate(table, 'c')\n"
    "    return dataframe1,\n"
)


def test_modules_and_members_the_target_lacks(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text(PYTHON2_AND_PACKAGES)
    result = azml("check", "old.py", "--format", "json", "--no-inference", cwd=tmp_path)
    found = sorted((item["line"], item["code"]) for item in json.loads(result.stdout))
    assert found == [(1, "AZ305"), (2, "AZ504"), (6, "AZ304"), (7, "AZ304")]
    assert result.returncode == 1
    classic = azml(
        "check", "old.py", "--dialect", "classic", "--target-python", "2.7", cwd=tmp_path
    )
    assert "AZ305" not in classic.stdout and "AZ504" not in classic.stdout


def test_a_python2_bundle_is_reported_under_python3_only(tmp_path: Path) -> None:
    python2_bundle(tmp_path / "bundle.zip")
    (tmp_path / "old.py").write_text(PY2_BUNDLE_SCRIPT)
    result = azml("check", "old.py", "--bundle", "bundle.zip", "--format", "json", cwd=tmp_path)
    found = [(item["line"], item["severity"]) for item in json.loads(result.stdout)
             if item["code"] == "AZ505"]  # fmt: skip
    assert found == [(2, "error"), (3, "error"), (4, "error")], result.stdout
    classic = azml(
        "check", "old.py", "--bundle", "bundle.zip", "--dialect", "classic",
        "--target-python", "2.7", cwd=tmp_path,
    )  # fmt: skip
    assert "AZ505" not in classic.stdout and "AZ501" not in classic.stdout
