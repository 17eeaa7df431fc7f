"""Write an export folder: the component (and pipeline) YAML, the code snapshot, the environment.

Layout of ``OUT/``::

    component.yml       command component (inputs dataset1/dataset2, three uri_folder outputs)
    pipeline.yml        with ``--to pipeline``: a one-step pipeline job using component.yml
    environment.yml     conda file: Python and the pinned packages
    src/                the code Azure ML uploads: the script, azml_entry.py, the Script
                        Bundle zip, and the parts of azml_lsp that run a script
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

import azml_lsp
from azml_lsp.export import entry
from azml_lsp.export.documents import (
    BUNDLE_FILE,
    CODE_DIR,
    COMPONENT_FILE,
    CONDA_FILE,
    ENTRY_FILE,
    PIPELINE_FILE,
    ComponentSpec,
    InputType,
    PipelineSpec,
    component_document,
    pipeline_document,
)
from azml_lsp.export.entry import MLTABLE_FILE
from azml_lsp.export.environment import BASE_IMAGE, conda_environment, requirements

Target = Literal["component", "pipeline"]

#: The parts of azml_lsp a run needs on the compute: the runtime and what it imports.
VENDORED = (
    "__init__.py",
    "py.typed",
    "atomic.py",
    "cache.py",
    "settings.py",
    "contract",
    "runtime",
    "bundles",
    "harness",
    "envs",
)
CLOUD_URI = re.compile(r"^(azureml|https?|abfss?|wasbs?|adl)://|^azureml:")


class ExportError(ValueError):
    """An export that cannot be written; the message says which argument to change."""


@dataclass
class ExportOptions:
    """Everything ``azml export`` is asked for."""

    script: Path
    out_dir: Path
    target: Target = "component"
    bundle: Path | None = None
    dialect: str = "designer"
    input_type: InputType = "uri_file"
    name: str | None = None
    version: str = "1"
    packages: list[str] = field(default_factory=list)
    image: str = BASE_IMAGE
    timeout_s: float | None = None
    compute: str = "cpu-cluster"
    datasets: dict[str, str] = field(default_factory=dict)
    """For a pipeline: input name (dataset1/dataset2) -> local path or cloud URI."""


@dataclass
class ExportReport:
    """What was written and what the user should know about it."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def component_name(script: Path) -> str:
    """A valid Azure ML asset name from the script's file name."""
    name = re.sub(r"[^a-z0-9_]", "_", script.stem.lower()).strip("_") or "script"
    return name if name[0].isalpha() else f"script_{name}"


def export(options: ExportOptions) -> ExportReport:
    """Write the export folder for ``options``; ExportError for a bad argument."""
    if not options.script.is_file():
        raise ExportError(f"{options.script}: script not found: give the path of a .py file")
    report = ExportReport()
    code = options.out_dir / CODE_DIR
    if code.exists():
        shutil.rmtree(code)
    code.mkdir(parents=True)
    shutil.copy2(options.script, code / options.script.name)
    shutil.copy2(entry.__file__, code / ENTRY_FILE)
    _vendor_runtime(code / "azml_lsp")
    local_modules = _write_bundle(options, code, report)
    spec = ComponentSpec(
        name=options.name or component_name(options.script),
        script_file=options.script.name,
        dialect=options.dialect,
        input_type=options.input_type,
        image=options.image,
        bundle_file=BUNDLE_FILE if options.bundle else None,
        version=options.version,
        timeout_s=options.timeout_s,
    )
    pip = requirements(
        options.script, local_modules, options.packages, options.input_type == "mltable"
    )
    _write_yaml(options.out_dir / CONDA_FILE, conda_environment(f"{spec.name}-env", pip), report)
    _write_yaml(options.out_dir / COMPONENT_FILE, component_document(spec), report)
    if options.target == "pipeline":
        datasets = {
            name: _job_path(name, value, options.out_dir, options.input_type)
            for name, value in options.datasets.items()
        }
        pipeline = PipelineSpec(compute=options.compute, datasets=datasets)
        _write_yaml(options.out_dir / PIPELINE_FILE, pipeline_document(spec, pipeline), report)
    elif options.datasets:
        report.warnings.append("datasets are used by --to pipeline only; the component has none")
    report.files.append(code)
    return report


def _vendor_runtime(target: Path) -> None:
    source = Path(azml_lsp.__file__).parent
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in VENDORED:
        item = source / name
        if item.is_dir():
            shutil.copytree(item, target / name, ignore=ignore)
        elif item.is_file():
            shutil.copy2(item, target / name)


def _write_bundle(options: ExportOptions, code: Path, report: ExportReport) -> set[str]:
    """Put the Script Bundle beside the script as a zip; the names it makes importable."""
    from azml_lsp.bundles import BundleError, build_bundle, list_modules

    if options.bundle is None:
        return set()
    target = code / BUNDLE_FILE
    try:
        if options.bundle.is_dir():
            built = build_bundle(options.bundle, target)
            report.warnings += built.warnings
            return built.modules.modules
        shutil.copy2(options.bundle, target)
        return list_modules(target).modules
    except (BundleError, OSError) as exc:
        raise ExportError(f"--bundle {options.bundle}: {exc}") from None


def _job_path(name: str, value: str, out_dir: Path, input_type: InputType) -> str:
    """A dataset path as the pipeline YAML needs it: cloud URIs as they are, local ones relative."""
    if CLOUD_URI.match(value):
        return value
    path = Path(value).resolve()
    if not path.exists():
        raise ExportError(
            f"--{name} {value}: dataset not found: give a local file or an azureml: URI"
        )
    if input_type == "mltable" and not (path / MLTABLE_FILE).is_file():
        raise ExportError(
            f"--{name} {value}: an mltable input is a folder with an MLTable file; "
            "give such a folder, or use --input-type uri_file for a data file"
        )
    if input_type == "uri_file" and not path.is_file():
        raise ExportError(f"--{name} {value}: a uri_file input is one file; give a data file")
    return os.path.relpath(path, out_dir.resolve())


def _write_yaml(path: Path, document: dict[str, Any], report: ExportReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100), encoding="utf-8")
    report.files.append(path)
