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
