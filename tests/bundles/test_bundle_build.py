"""build_bundle: reproducible zips, only the folder's own files, warnings that matter."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from azml_lsp.bundles import BundleError, build_bundle, extract_bundle
from azml_lsp.contract import BUNDLE_DIR_NAME
from tests.bundles.zipcraft import snapshot


@pytest.fixture
def src(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    for name, text in {
        "Hello.py": "def print_hello(name):\n    print('Hello', name)\n",
        "zeta/__init__.py": "",
        "zeta/core.py": "VALUE = 1\n",
        "alpha/data/table.csv": "a,b\n1,2\n",
        "données/café.txt": "unicode names\n",
        "notes/todo.md": "later\n",
        "__pycache__/Hello.cpython-311.pyc": "",
        "zeta/__pycache__/core.cpython-311.pyc": "",
        "zeta/old.pyc": "",
        ".git/HEAD": "ref: refs/heads/main\n",
        ".DS_Store": "",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "empty").mkdir()
    return root


def test_entries_are_sorted_with_fixed_times_and_modes(src: Path, tmp_path: Path) -> None:
    report = build_bundle(src, tmp_path / "bundle.zip")
    with zipfile.ZipFile(report.out) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == report.entries
    assert names == sorted(names, key=lambda n: n.rstrip("/"))
    assert names == [
        "Hello.py",
        "alpha/",
        "alpha/data/",
        "alpha/data/table.csv",
        "données/",
        "données/café.txt",
        "empty/",
        "notes/",
        "notes/todo.md",
        "zeta/",
        "zeta/__init__.py",
        "zeta/core.py",
    ]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos if not i.is_dir()} == {0o100644}
    assert {i.external_attr >> 16 for i in infos if i.is_dir()} == {0o040755}
    assert {i.create_system for i in infos} == {3}
    assert all(i.flag_bits & 0x800 for i in infos if not i.filename.isascii())
    assert report.size == report.out.stat().st_size
    assert report.uncompressed == sum(i.file_size for i in infos)
    assert report.modules.modules == {"Hello", "zeta"}


def test_two_builds_are_byte_identical(src: Path, tmp_path: Path) -> None:
    first = build_bundle(src, tmp_path / "one.zip")
    os.utime(src / "Hello.py", (1_900_000_000, 1_900_000_000))
    (src / "zeta" / "core.py").chmod(0o600)
    second = build_bundle(src, tmp_path / "two.zip")
    assert first.out.read_bytes() == second.out.read_bytes()
    assert first.sha256 == second.sha256
    (src / "zeta" / "core.py").write_text("VALUE = 2\n")
    assert build_bundle(src, tmp_path / "three.zip").sha256 != first.sha256


def test_round_trip_through_extraction(src: Path, tmp_path: Path) -> None:
    report = build_bundle(src, tmp_path / "bundle.zip")
    extracted = extract_bundle(report.out, tmp_path / "work" / BUNDLE_DIR_NAME)
    copied = extract_bundle(src, tmp_path / "copy" / BUNDLE_DIR_NAME)
    assert snapshot(extracted.root) == snapshot(copied.root)
    assert (extracted.root / "données" / "café.txt").read_text() == "unicode names\n"
    assert extracted.warnings == report.warnings


def test_exclude_globs(src: Path, tmp_path: Path) -> None:
    report = build_bundle(src, tmp_path / "b.zip", exclude=["*.md", "alpha/data", "empty"])
    assert report.entries == [
        "Hello.py",
        "alpha/",
        "données/",
        "données/café.txt",
        "notes/",
        "zeta/",
        "zeta/__init__.py",
        "zeta/core.py",
    ]


def test_output_inside_the_folder_is_not_bundled(src: Path) -> None:
    first = build_bundle(src, src / "bundle.zip")
    (src / ".bundle.zip.left-by-a-killed-build.tmp").write_bytes(b"PK")
    second = build_bundle(src, src / "bundle.zip")
    assert [n for n in second.entries if "bundle.zip" in n] == []
    assert first.sha256 == second.sha256
    assert [p.name for p in src.iterdir() if p.name.endswith(".tmp")] == [
        ".bundle.zip.left-by-a-killed-build.tmp"
    ]


def test_link_leaving_the_folder_refuses_and_writes_nothing(src: Path, tmp_path: Path) -> None:
    (tmp_path / "private.key").write_text("secret")
    (src / "key").symlink_to(tmp_path / "private.key")
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.zip").write_bytes(b"the previous bundle")
    with pytest.raises(BundleError) as caught:
        build_bundle(src, out / "b.zip")
    assert caught.value.member == "key"
    assert [p.name for p in out.iterdir()] == ["b.zip"]
    assert (out / "b.zip").read_bytes() == b"the previous bundle"


def test_bad_paths(src: Path, tmp_path: Path) -> None:
    cases = [
        (tmp_path / "missing", tmp_path / "b.zip", "no such folder"),
        (src / "Hello.py", tmp_path / "b.zip", "not a folder"),
        (src, tmp_path, "the output is a folder"),
        (src, tmp_path / "nowhere" / "b.zip", "does not exist"),
    ]
    for source, out, why in cases:
        with pytest.raises(BundleError) as caught:
            build_bundle(source, out)
        assert why in caught.value.message


def test_native_shadow_and_empty_root_warnings(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "test.py").write_text("")
    (src / "click").mkdir()
    (src / "click" / "__init__.py").write_text("")
    (src / "json.py").write_text("")
    (src / "mine.py").write_text("")
    (src / "speedup.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    warnings = build_bundle(src, tmp_path / "b.zip").warnings
    assert len(warnings) == 4
    assert "'speedup.cpython-311-x86_64-linux-gnu.so' is compiled code" in warnings[0]
    assert "'click' has the name of the installed module 'click' at " in warnings[1]
    assert "'json' has the name of the standard-library module 'json' at " in warnings[2]
    assert "'test' has the name of the installed module 'test' at " in warnings[3]
    assert "`import test` loads that one instead" in warnings[3]
    assert not any("'mine'" in w for w in warnings)

    data = tmp_path / "data"
    data.mkdir()
    (data / "table.csv").write_text("a\n1\n")
    (data_warning,) = build_bundle(data, tmp_path / "d.zip").warnings
    assert "no importable module" in data_warning
