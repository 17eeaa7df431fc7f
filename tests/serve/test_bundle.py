"""A served script imports its Script Bundle (a folder or a zip), like ``azml run --bundle``."""

from __future__ import annotations

import zipfile
from pathlib import Path

import httpx
import pytest

from azml_lsp.serve.launch import ServiceProcess
from tests.serve.conftest import FIXTURES


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_the_bundle_is_importable(tmp_path: Path, kind: str) -> None:
    bundle = FIXTURES / "bundle"
    if kind == "zip":
        bundle = tmp_path / "bundle.zip"
        with zipfile.ZipFile(bundle, "w") as archive:
            archive.write(FIXTURES / "bundle" / "greeting.py", "greeting.py")
    args = ["--bundle", str(bundle), "--workers", "1"]
    with ServiceProcess(FIXTURES / "greets.py", args) as service:
        body = {"Inputs": {"input1": [{"name": "ann"}, {"name": "bo"}]}}
        answer = httpx.post(service.url + "/score", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    assert [r["greeting"] for r in answer.json()["Results"]["output1"]] == ["hello ann", "hello bo"]


def test_the_scripts_declared_bundle_and_dialect_are_used(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "greeting.py").write_text((FIXTURES / "bundle" / "greeting.py").read_text())
    script = tmp_path / "declared.py"
    script.write_text(
        "# azml: dialect=classic bundle=lib\n"
        + (FIXTURES / "greets.py").read_text()
        + "\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n    return None\n"
    )
    with ServiceProcess(script, ["--workers", "1"]) as service:
        answer = httpx.post(
            service.url + "/score", json={"Inputs": {"input1": [{"name": "a"}]}}, timeout=60
        )
    assert answer.status_code == 400, answer.text
    assert "Studio (classic) expects a sequence" in answer.text


NOTES = """import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    with open("Script Bundle/notes.txt", "a") as notes:
        notes.write("a request was here\\n")
    with open("Script Bundle/notes.txt") as notes:
        return pd.DataFrame({"lines": [len(notes.readlines())]}),
"""


@pytest.mark.parametrize(
    ("isolation", "expected"),
    [("request", [2, 2, 2]), ("reimport", [2, 3, 4]), ("worker", [2, 3, 4])],
)
def test_what_a_request_writes_in_the_bundle(
    tmp_path: Path, isolation: str, expected: list[int]
) -> None:
    """request isolation: each request gets its own copy of the bundle's files; reimport and
    worker isolation: a worker's requests share one."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "notes.txt").write_text("shipped with the bundle\n")
    script = tmp_path / "notes.py"
    script.write_text(NOTES, encoding="utf-8")
    args = ["--bundle", str(bundle), "--workers", "1", "--isolation", isolation]
    with ServiceProcess(script, args, env={"AZML_ENV": "local"}) as service:
        body = {"Inputs": {"input1": [{"n": 1}]}}
        answers = [httpx.post(service.url + "/score", json=body, timeout=60) for _ in range(3)]
    assert [a.json()["Results"]["output1"][0]["lines"] for a in answers] == expected
    assert (bundle / "notes.txt").read_text() == "shipped with the bundle\n"
