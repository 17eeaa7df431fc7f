"""list_modules: what a bundle makes importable, read from names only."""

from __future__ import annotations

from pathlib import Path

import pytest

from azml_lsp.bundles import BundleError, list_modules
from tests.bundles.zipcraft import write_zip


def test_modules_of_every_kind(tmp_path: Path) -> None:
    bundle = write_zip(
        tmp_path / "b.zip",
        [
            ("Hello.py", ""),
            ("compiled.pyc", b"\0"),
            ("pkg/__init__.py", ""),
            ("pkg/inner.py", ""),
            ("ns/sub/leaf.py", ""),
            ("fast.cpython-311-x86_64-linux-gnu.so", b""),
            ("win.cp38-win_amd64.pyd", b""),
            ("libs/helper.dll", b""),
            ("data/table.csv", ""),
            ("not-a-name.py", ""),
            ("class.py", ""),
            ("README.md", ""),
        ],
    )
    found = list_modules(bundle)
    assert found.modules == {"Hello", "compiled", "pkg", "ns", "fast", "win"}
    assert found.native == [
        "fast.cpython-311-x86_64-linux-gnu.so",
        "libs/helper.dll",
        "win.cp38-win_amd64.pyd",
    ]
    assert found.files == sorted(found.files)
    assert len(found.files) == 12
    assert found.root_prefix is None
    assert found.warnings == []
    assert not (tmp_path / "Hello.py").exists()


def test_zip_of_a_folder_instead_of_its_contents(tmp_path: Path) -> None:
    bundle = write_zip(
        tmp_path / "b.zip",
        [("myproject/", b""), ("myproject/Hello.py", ""), ("myproject/d.csv", "")],
    )
    found = list_modules(bundle)
    assert found.root_prefix == "myproject/"
    assert len(found.warnings) == 1
    assert "inside the folder 'myproject/'" in found.warnings[0]
    assert "azml bundle myproject -o bundle.zip" in found.warnings[0]


def test_single_package_is_not_a_wrapped_folder(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("mylib/__init__.py", ""), ("mylib/core.py", "")])
    found = list_modules(bundle)
    assert (found.modules, found.root_prefix, found.warnings) == ({"mylib"}, None, [])


def test_data_only_bundle_is_warned(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("a.csv", ""), ("b.csv", "")])
    found = list_modules(bundle)
    assert found.modules == set()
    assert "no importable module" in found.warnings[0]


def test_folder_bundle(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "tool.py").write_text("")
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "src" / "__pycache__").mkdir()
    (tmp_path / "src" / "__pycache__" / "tool.cpython-311.pyc").write_bytes(b"")
    found = list_modules(tmp_path / "src")
    assert found.modules == {"tool", "pkg"}
    assert found.files == ["pkg/__init__.py", "tool.py"]


def test_unsafe_names_are_reported_without_extracting(tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "b.zip", [("../evil.py", "")])
    with pytest.raises(BundleError) as caught:
        list_modules(bundle)
    assert caught.value.member == "../evil.py"


def test_names_windows_cannot_create_are_warned(tmp_path: Path) -> None:
    names = ["aux.py", "COM1", "data/report?.csv", "notes./x.txt", "a.py", "b.py", "ab:c.txt"]
    bundle = write_zip(tmp_path / "b.zip", [(n, "") for n in names])
    (warning,) = list_modules(bundle).warnings
    assert warning.startswith("'COM1', 'ab:c.txt', 'aux.py', 'data/report?.csv', 'notes./x.txt':")
    assert "classic runtime" in warning
