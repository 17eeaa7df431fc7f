"""The Azure ML (v2) YAML documents: a command component and a pipeline job around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from azml_lsp.runtime.outputs.layout import OUTPUT_NAMES

InputType = Literal["uri_file", "mltable"]

COMPONENT_SCHEMA = "https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json"
PIPELINE_SCHEMA = "https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json"
ENTRY_FILE = "azml_entry.py"
CODE_DIR = "src"
CONDA_FILE = "environment.yml"
COMPONENT_FILE = "component.yml"
PIPELINE_FILE = "pipeline.yml"
BUNDLE_FILE = "script_bundle.zip"
STEP_NAME = "execute_python_script"
DATASET_INPUTS = ("dataset1", "dataset2")
OUTPUT_DESCRIPTIONS = {
    OUTPUT_NAMES["port1"]: "Result Dataset: the table of output port 1.",
    OUTPUT_NAMES["port2"]: "The table of output port 2 (designer).",
    OUTPUT_NAMES["images"]: "Images, stdout/stderr, the run report and log.",
}


@dataclass
class ComponentSpec:
    """What goes into the component: names, the script's files, its input kind and image."""

    name: str
    script_file: str
    dialect: str
    input_type: InputType
    image: str
    bundle_file: str | None = None
    version: str = "1"
    timeout_s: float | None = None
    output_format: str = "parquet"


@dataclass
class PipelineSpec:
    """A one-step pipeline job: where its inputs come from and where it runs."""

    compute: str
    datasets: dict[str, str] = field(default_factory=dict)
    """Input name -> local path (relative to the YAML) or an ``azureml:`` / cloud URI."""
    experiment: str = "azml-export"


def command_line(spec: ComponentSpec) -> str:
    """The component's command: the entry wrapper with the script, inputs and output folders."""
    parts = [f"python {ENTRY_FILE}", f"--script {spec.script_file}", f"--dialect {spec.dialect}"]
    parts.append(f"--format {spec.output_format}")
    if spec.bundle_file:
        parts.append(f"--bundle {spec.bundle_file}")
    if spec.timeout_s:
        parts.append(f"--timeout {spec.timeout_s:g}")
    parts += [f"$[[--{name} ${{{{inputs.{name}}}}}]]" for name in DATASET_INPUTS]
    parts += [f"--{name.replace('_', '-')} ${{{{outputs.{name}}}}}" for name in OUTPUT_DESCRIPTIONS]
    return " ".join(parts)


def component_document(spec: ComponentSpec) -> dict[str, Any]:
    """The command component YAML, as data."""
    return {
        "$schema": COMPONENT_SCHEMA,
        "type": "command",
        "name": spec.name,
        "display_name": f"Execute Python Script: {spec.script_file}",
        "version": spec.version,
        "description": (
            f"Runs {spec.script_file}'s azureml_main like the {spec.dialect} Execute Python Script "
            "module, through the azml-lsp runtime."
        ),
        "code": f"./{CODE_DIR}",
        "environment": {"image": spec.image, "conda_file": f"./{CONDA_FILE}"},
        "inputs": {
            name: {"type": spec.input_type, "optional": True, "description": f"Dataset{i}."}
            for i, name in enumerate(DATASET_INPUTS, start=1)
        },
        "outputs": {
            name: {"type": "uri_folder", "description": text}
            for name, text in OUTPUT_DESCRIPTIONS.items()
        },
        "command": command_line(spec),
    }


def pipeline_document(component: ComponentSpec, spec: PipelineSpec) -> dict[str, Any]:
    """The pipeline job YAML, as data: one step running the component file beside it."""
    inputs = {
        name: {"type": component.input_type, "path": path} for name, path in spec.datasets.items()
    }
    compute = spec.compute if spec.compute.startswith("azureml:") else f"azureml:{spec.compute}"
    return {
        "$schema": PIPELINE_SCHEMA,
        "type": "pipeline",
        "display_name": f"Execute Python Script: {component.script_file}",
        "experiment_name": spec.experiment,
        "settings": {"default_compute": compute},
        "inputs": inputs,
        "outputs": {name: {"type": "uri_folder"} for name in OUTPUT_DESCRIPTIONS},
        "jobs": {
            STEP_NAME: {
                "type": "command",
                "component": f"./{COMPONENT_FILE}",
                "inputs": {name: f"${{{{parent.inputs.{name}}}}}" for name in inputs},
                "outputs": {
                    name: f"${{{{parent.outputs.{name}}}}}" for name in OUTPUT_DESCRIPTIONS
                },
            }
        },
    }
