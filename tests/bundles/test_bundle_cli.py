"""``azml bundle`` in a real child process: output, warnings, exit codes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def azml_bundle(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azml_lsp", "bundle", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def make_src(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "Hello.py").write_text("def print_hello(name):\n    print('Hello', name)\n")
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "notes.txt").write_text("x")
    (src / "lib.so").write_bytes(b"\x7fELF")
    return src


def test_writes_the_zip_and_reports_it(tmp_path: Path) -> None:
    src = make_src(tmp_path)
    out = tmp_path / "bundle.zip"
    done = azml_bundle(src, "-o", out, "--exclude", "*.txt", "-v")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert names == ["Hello.py", "lib.so", "pkg/", "pkg/__init__.py"]
    assert f"wrote {out}: 4 entries (3 files)" in done.stdout
    assert "importable modules: Hello, lib, pkg" in done.stdout
    assert "  pkg/__init__.py" in done.stdout
    assert "warning: 'lib.so' is compiled code" in done.stderr


def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    src = make_src(tmp_path)
    missing = azml_bundle(tmp_path / "nope", "-o", tmp_path / "b.zip")
    assert missing.returncode == 2
    assert f"{tmp_path / 'nope'}: no such folder" in missing.stderr

    (src / "leak").symlink_to("/etc/hostname")
    leaking = azml_bundle(src, "-o", tmp_path / "b.zip")
    assert leaking.returncode == 2
    assert "'leak'" in leaking.stderr
    assert "outside the bundle folder" in leaking.stderr
    assert not (tmp_path / "b.zip").exists()

    no_output = azml_bundle(src)
    assert no_output.returncode == 2
    assert "-o" in no_output.stderr
