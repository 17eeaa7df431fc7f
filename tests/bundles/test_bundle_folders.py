"""Folder bundles: copied with the zip rules, caches skipped, links kept inside the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from azml_lsp.bundles import BundleLimits, extract_bundle
from azml_lsp.contract import BUNDLE_DIR_NAME
from tests.bundles.zipcraft import refuse, snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "Hello.py").write_text("def hi():\n    return 'hi'\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "deep.py").write_text("X = 1\n")
    (root / "model.pkl").write_bytes(bytes(range(256)))
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "Hello.cpython-311.pyc").write_bytes(b"\0")
    (root / "pkg" / "stale.pyc").write_bytes(b"\0")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".pytest_cache" / "v").mkdir(parents=True)
    (root / ".pytest_cache" / "v" / "lastfailed").write_text("{}")
    (root / "Thumbs.db").write_bytes(b"\0")
    (root / "empty").mkdir()
    return root


def test_folder_is_copied_without_caches(project: Path, tmp_path: Path) -> None:
    extracted = extract_bundle(project, tmp_path / "work" / BUNDLE_DIR_NAME)
    copied = snapshot(extracted.root)
    assert copied == {
        "Hello.py": (project / "Hello.py").stat().st_size,
        "model.pkl": 256,
        "empty": -1,
        "pkg": -1,
        "pkg/__init__.py": 0,
        "pkg/sub": -1,
        "pkg/sub/deep.py": 6,
    }
    assert (extracted.root / "model.pkl").read_bytes() == bytes(range(256))
    assert extracted.origin == project
    assert extracted.modules.modules == {"Hello", "pkg"}
    assert extracted.sources == {
        str(extracted.root / name): str(project / name)
        for name in ("Hello.py", "model.pkl", "pkg/__init__.py", "pkg/sub/deep.py")
    }


def test_links_inside_the_folder_are_followed(project: Path, tmp_path: Path) -> None:
    (project / "alias.py").symlink_to(project / "Hello.py")
    (project / "pkg_alias").symlink_to(project / "pkg", target_is_directory=True)
    extracted = extract_bundle(project, tmp_path / BUNDLE_DIR_NAME)
    assert (extracted.root / "alias.py").read_text() == (project / "Hello.py").read_text()
    assert not (extracted.root / "alias.py").is_symlink()
    assert (extracted.root / "pkg_alias" / "sub" / "deep.py").read_text() == "X = 1\n"


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_link_leaving_the_folder_is_refused(project: Path, tmp_path: Path, kind: str) -> None:
    outside = tmp_path / "secrets"
    outside.mkdir()
    (outside / "key.txt").write_text("secret")
    target = outside / "key.txt" if kind == "file" else outside
    (project / "pkg" / "leak").symlink_to(target)
    error = refuse(tmp_path, project)
    assert error.member == "pkg/leak"
    assert "outside the bundle folder" in error.message
    assert str(target) in error.message


def test_dangling_link_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "gone.py").symlink_to(project / "missing.py")
    error = refuse(tmp_path, project)
    assert (error.member, "does not exist" in error.message) == ("gone.py", True)


def test_link_loop_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "pkg" / "sub" / "up").symlink_to(project / "pkg", target_is_directory=True)
    error = refuse(tmp_path, project)
    assert (error.member, "loop" in error.message) == ("pkg/sub/up", True)


def test_pipe_is_refused(project: Path, tmp_path: Path) -> None:
    os.mkfifo(project / "pipe")
    error = refuse(tmp_path, project)
    assert (error.member, "not a regular file" in error.message) == ("pipe", True)


def test_names_differing_by_case_are_refused(project: Path, tmp_path: Path) -> None:
    (project / "hello.py").write_text("")
    error = refuse(tmp_path, project)
    assert error.member == "hello.py"
    assert "'Hello.py'" in error.message


def test_backslash_in_a_file_name_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "pkg\\evil.py").write_text("")
    error = refuse(tmp_path, project)
    assert (error.member, "backslash" in error.message) == ("pkg\\evil.py", True)


def test_folder_limits(project: Path, tmp_path: Path) -> None:
    many = refuse(tmp_path, project, BundleLimits(max_entries=3))
    assert "more than 3 files and folders" in many.message
    big = refuse(tmp_path, project, BundleLimits(max_bytes=100))
    assert big.member == "model.pkl"
    assert "more than 100 bytes" in big.message
