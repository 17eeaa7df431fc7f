"""examples/hello_bundle: a classic script importing ``Hello`` from a zip Script Bundle."""

from __future__ import annotations

import importlib.util
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import run_all

from azml_lsp.settings import load_settings
from tests.examples.conftest import EXAMPLES_DIR, ExampleRun, read_csv

FOLDER = EXAMPLES_DIR / "hello_bundle"
BUNDLE_SOURCE = FOLDER / "bundle_src"


def load_hello() -> ModuleType:
    """The bundle's ``Hello`` module, loaded from its source folder."""
    spec = importlib.util.spec_from_file_location("Hello", BUNDLE_SOURCE / "Hello.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_files() -> dict[str, bytes]:
    return {
        path.relative_to(BUNDLE_SOURCE).as_posix(): path.read_bytes()
        for path in sorted(BUNDLE_SOURCE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_returns_the_input_with_a_greeting_column(
    run_example: Callable[[str], ExampleRun],
) -> None:
    run = run_example("hello_bundle")
    names = read_csv(FOLDER / "names.csv")
    output = run.output(1)
    assert output["columns"] == [*names[0].keys(), "greeting"]
    assert output["rows"] == len(names)
    hello = load_hello()
    rows = run.rows(1)
    assert [row["greeting"] for row in rows] == [hello.greeting(n["name"]) for n in names]
    assert [row["city"] for row in rows] == [n["city"] for n in names]


def test_print_hello_output_reaches_stdout(run_example: Callable[[str], ExampleRun]) -> None:
    run = run_example("hello_bundle")
    hello = load_hello()
    printed = run.result["stdout"].splitlines()
    for name in (row["name"] for row in read_csv(FOLDER / "names.csv")):
        assert hello.greeting(name) in printed


def test_committed_zip_holds_the_bundle_source_at_its_root() -> None:
    with zipfile.ZipFile(FOLDER / "Hello.zip") as bundle:
        members = {info.filename: bundle.read(info) for info in bundle.infolist()}
        stamps = {info.date_time for info in bundle.infolist()}
    assert members == source_files()
    assert list(members) == sorted(members)
    assert stamps == {(1980, 1, 1, 0, 0, 0)}
    assert "Hello.py" in members


def test_the_script_declares_the_committed_zip_as_its_bundle() -> None:
    assert load_settings(FOLDER / "hello_bundle.py").bundle == str(FOLDER / "Hello.zip")


def test_azml_bundle_rebuilds_the_committed_zip_byte_for_byte(tmp_path: Path) -> None:
    rebuilt = tmp_path / "Hello.zip"
    done = run_all.azml("bundle", str(BUNDLE_SOURCE), "-o", str(rebuilt))
    assert done.returncode == 0, done.stdout + done.stderr
    assert rebuilt.read_bytes() == (FOLDER / "Hello.zip").read_bytes()
