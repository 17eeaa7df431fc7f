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
