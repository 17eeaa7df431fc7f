"""Run the examples through the real ``azml`` command line, once per example per test process."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES_DIR))

import run_all  # noqa: E402  (examples/run_all.py: the same child-process calls the users make)


@dataclass
class ExampleRun:
    """A finished ``azml run --json`` of one example."""

    script: Path
    out_dir: Path
    result: dict[str, Any]

    @property
    def folder(self) -> Path:
        return self.script.parent

    def output(self, port: int) -> dict[str, Any]:
        """The output table entry of ``port`` (1 or 2)."""
        matches = [o for o in self.result["outputs"] if o["port"] == port]
        assert matches, f"no output on port {port}: {self.result['outputs']}"
        return matches[0]

    def rows(self, port: int) -> list[dict[str, str]]:
        """The rows of the CSV written for ``port``, as text."""
        return read_csv(Path(self.output(port)["path"]))


def read_csv(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dicts of text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def example_script(name: str) -> Path:
    """The script of example ``name``."""
    return EXAMPLES_DIR / name / f"{name}.py"


@pytest.fixture(scope="session")
def run_example(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ExampleRun]:
    """Run an example as a user would (``azml run SCRIPT --out DIR --json``), cached by name."""
    runs: dict[str, ExampleRun] = {}

    def run(name: str) -> ExampleRun:
        if name not in runs:
            script = example_script(name)
            out_dir = tmp_path_factory.mktemp(name) / "out"
            done = run_all.azml("run", str(script), "--out", str(out_dir), "--json")
            assert done.stdout.strip(), f"azml run printed nothing; stderr:\n{done.stderr}"
            result = json.loads(done.stdout)
            assert result["ok"], json.dumps(result["error"], indent=2)
            assert done.returncode == 0, done.stderr
            runs[name] = ExampleRun(script, out_dir, result)
        return runs[name]

    return run
