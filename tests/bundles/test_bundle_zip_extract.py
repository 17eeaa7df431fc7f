"""Zip bundles extract with folders, any file type and file modes preserved."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from azml_lsp.bundles import extract_bundle
from azml_lsp.contract import BUNDLE_DIR_NAME
from tests.bundles.zipcraft import snapshot, write_zip

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_nested_folders_and_any_file_type(tmp_path: Path) -> None:
    tool = zipfile.ZipInfo("bin/tool.sh")
    tool.external_attr = 0o100755 << 16
    members: list[tuple[str | zipfile.ZipInfo, bytes | str]] = [
        ("Hello.py", "def print_hello(name):\n    print('Hello', name)\n"),
        ("./lib/util/helpers.py", "X = 1\n"),
        ("data/lookup.csv", "a,b\n1,2\n"),
        ("images/logo.png", PNG),
        ("models/", b""),
        (tool, "#!/bin/sh\necho hi\n"),
    ]
    bundle = write_zip(tmp_path / "bundle.zip", members)
    work = tmp_path / "work"
    extracted = extract_bundle(bundle, work / BUNDLE_DIR_NAME)
    assert extracted.root == work / BUNDLE_DIR_NAME
    assert snapshot(extracted.root) == {
        "Hello.py": 48,
        "lib": -1,
        "lib/util": -1,
        "lib/util/helpers.py": 6,
        "data": -1,
        "data/lookup.csv": 8,
        "images": -1,
        "images/logo.png": len(PNG),
        "models": -1,
        "bin": -1,
        "bin/tool.sh": 18,
    }
    assert (extracted.root / "images" / "logo.png").read_bytes() == PNG
    assert stat.S_IMODE((extracted.root / "bin" / "tool.sh").stat().st_mode) & 0o100
    assert not stat.S_IMODE((extracted.root / "Hello.py").stat().st_mode) & 0o100
    assert extracted.sources[str(extracted.root / "lib" / "util" / "helpers.py")] == (
        f"{bundle}/lib/util/helpers.py"
    )
    assert extracted.modules.modules == {"Hello", "lib"}
    assert extracted.modules.files == sorted(
        ["Hello.py", "lib/util/helpers.py", "data/lookup.csv", "images/logo.png", "bin/tool.sh"]
    )


def test_compression_methods_python_reads(tmp_path: Path) -> None:
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        bundle = write_zip(tmp_path / f"{method}.zip", [("m.py", "VALUE = 42\n" * 1000)], method)
        extracted = extract_bundle(bundle, tmp_path / str(method) / BUNDLE_DIR_NAME)
        assert (extracted.root / "m.py").read_text() == "VALUE = 42\n" * 1000


def test_native_and_shadowing_modules_are_warned(tmp_path: Path) -> None:
    bundle = write_zip(
        tmp_path / "b.zip",
        [("json.py", "X = 1\n"), ("fast.cpython-311-x86_64-linux-gnu.so", b"\x7fELF")],
    )
    extracted = extract_bundle(bundle, tmp_path / BUNDLE_DIR_NAME)
    joined = "\n".join(extracted.warnings)
    assert "'fast.cpython-311-x86_64-linux-gnu.so' is compiled code" in joined
    assert "the standard-library module 'json'" in joined
    assert extracted.modules.native == ["fast.cpython-311-x86_64-linux-gnu.so"]
