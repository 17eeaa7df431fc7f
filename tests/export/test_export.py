"""``azml export``: the YAML loads with azure-ai-ml's own loaders, and the entry runs the script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from azml_lsp.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = FIXTURES / "uses_bundle.py"
OUTPUTS = ["result_dataset", "result_dataset2", "python_device"]


def export(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out"
    answer = CliRunner().invoke(cli, ["export", str(SCRIPT), "-o", str(out), *args])
    assert answer.exit_code == 0, answer.output
    return out


def read_yaml(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_component_loads_with_azure_ai_ml(tmp_path: Path) -> None:
    ml = pytest.importorskip("azure.ai.ml")
    out = export(tmp_path, "--bundle", str(FIXTURES / "bundle"), "--dialect", "classic")
    component = ml.load_component(out / "component.yml")
    assert component.type == "command"
    assert component.name == "uses_bundle"
    assert {k: (v.type, v.optional) for k, v in component.inputs.items()} == {
        "dataset1": ("uri_file", True),
        "dataset2": ("uri_file", True),
    }
    assert {k: v.type for k, v in component.outputs.items()} == dict.fromkeys(OUTPUTS, "uri_folder")
    command = component.command
    assert command.startswith("python azml_entry.py --script uses_bundle.py --dialect classic")
    assert "--bundle script_bundle.zip" in command
    assert "$[[--dataset1 ${{inputs.dataset1}}]]" in command
    assert all(f"${{{{outputs.{name}}}}}" in command for name in OUTPUTS)
    assert component._validate().passed
    pip = component.environment.conda_file["dependencies"][-1]["pip"]
    assert any(p.startswith("scikit-learn==") for p in pip)
    assert any(p.startswith("pandas==") for p in pip)
    assert not any(p.startswith("helpers") for p in pip)


def test_pipeline_job_loads_with_azure_ai_ml(tmp_path: Path) -> None:
    ml = pytest.importorskip("azure.ai.ml")
    data = tmp_path / "values_table"
    data.mkdir()
    (data / "MLTable").write_text("paths:\n  - file: ./values.csv\n", encoding="utf-8")
    uri = "azureml:my_table:1"
    args = ["--to", "pipeline", "--dataset1", str(data), "--dataset2", uri]
    out = export(tmp_path, *args, "--compute", "gpu-box", "--input-type", "mltable")
    job = ml.load_job(out / "pipeline.yml")
    assert job.type == "pipeline"
    assert job.settings.default_compute == "gpu-box"
    assert job._validate().passed
    step = job.jobs["execute_python_script"]
    assert step.component.command.startswith("python azml_entry.py")
    assert {k: v.type for k, v in step.component.inputs.items()} == dict.fromkeys(
        ["dataset1", "dataset2"], "mltable"
    )
    document = read_yaml(out / "pipeline.yml")
    inputs = document["inputs"]
    assert isinstance(inputs, dict)
    assert (out / inputs["dataset1"]["path"]).resolve() == data.resolve()
    assert inputs["dataset2"]["path"] == uri
    pip = read_yaml(out / "environment.yml")["dependencies"]
    assert isinstance(pip, list)
    assert "mltable" in str(pip[-1])


def test_the_entry_runs_the_script_like_azure_ml_would(tmp_path: Path) -> None:
    out = export(tmp_path, "--bundle", str(FIXTURES / "bundle"))
    code = out / "src"
    with zipfile.ZipFile(code / "script_bundle.zip") as bundle:
        assert bundle.namelist() == ["helpers.py"]
    mounts = {name: tmp_path / "mounts" / name for name in OUTPUTS}
    command = [sys.executable, "azml_entry.py", "--script", "uses_bundle.py"]
    command += ["--bundle", "script_bundle.zip", "--dataset1", str(FIXTURES / "values.csv")]
    for name, folder in mounts.items():
        command += [f"--{name.replace('_', '-')}", str(folder)]
    done = subprocess.run(command, cwd=code, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = pd.read_parquet(mounts["result_dataset"] / "result_dataset.parquet")
    assert list(result["scaled"]) == [0.0, 0.5, 1.0]
    assert set(result["label"]) == {"from-the-bundle"}
    assert (mounts["python_device"] / "log.txt").is_file()


def test_a_failing_script_fails_the_job_with_error_0085(tmp_path: Path) -> None:
    out = export(tmp_path)
    code = out / "src"
    command = [sys.executable, "azml_entry.py", "--script", "uses_bundle.py"]
    done = subprocess.run(command, cwd=code, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Got exception when invoking script" in done.stderr
    assert "ModuleNotFoundError" in done.stderr


@pytest.mark.parametrize(
    ("dataset", "input_type", "words"),
    [
        ("nope.csv", "uri_file", "--dataset1 nope.csv: dataset not found"),
        (str(FIXTURES / "values.csv"), "mltable", "a folder with an MLTable file"),
        (str(FIXTURES), "uri_file", "a uri_file input is one file"),
    ],
)
def test_a_dataset_that_cannot_work_is_a_usage_error(
    tmp_path: Path, dataset: str, input_type: str, words: str
) -> None:
    args = ["export", str(SCRIPT), "-o", str(tmp_path / "o"), "--to", "pipeline"]
    args += ["--dataset1", dataset, "--input-type", input_type]
    answer = CliRunner().invoke(cli, args)
    assert answer.exit_code == 2
    assert words in answer.output


def test_the_vendored_runtime_is_self_contained(tmp_path: Path) -> None:
    """Every ``azml_lsp`` module the copied runtime imports is in the copy (on the compute
    nothing else is installed)."""
    import ast

    vendored = export(tmp_path) / "src" / "azml_lsp"
    missing = set()
    for source in vendored.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "azml_lsp":  # from azml_lsp import atomic: a module
                    names = [f"azml_lsp.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] != "azml_lsp" or len(parts) == 1:
                    continue
                path = vendored.joinpath(*parts[1:])
                if not (path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()):
                    missing.add(f"{source.relative_to(vendored)}: {name}")
    assert not missing, sorted(missing)


def test_an_mltable_folder_is_read_without_the_mltable_package(tmp_path: Path) -> None:
    from azml_lsp.runtime.inputs.mltable_folder import read_mltable_folder

    folder = tmp_path / "asset"
    (folder / "parts").mkdir(parents=True)
    (folder / "parts" / "a.csv").write_text("x;y\n1;a\n")
    (folder / "parts" / "b.csv").write_text("x;y\n2;b\n")
    (folder / "MLTable").write_text(
        "paths:\n  - pattern: ./parts/*.csv\n"
        "transformations:\n  - read_delimited:\n      delimiter: ';'\n"
    )
    frame = read_mltable_folder(folder)
    assert frame.to_dict("list") == {"x": [1, 2], "y": ["a", "b"]}
    (folder / "MLTable").write_text("paths:\n  - file: azureml://datastores/x/paths/a.csv\n")
    try:
        import mltable  # noqa: F401
    except ImportError:
        with pytest.raises(SystemExit, match="install the mltable package"):
            read_mltable_folder(folder)
