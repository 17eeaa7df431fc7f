"""Bundle modules report the user's own files in tracebacks, in a real child interpreter."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.bundles.zipcraft import snapshot, write_zip

CHILD = textwrap.dedent(
    """
    import json, linecache, sys, traceback
    from pathlib import Path
    from azml_lsp.bundles import extract_bundle, install_source_mapping

    source, work = sys.argv[1], Path(sys.argv[2])
    hooks_before = len(sys.path_hooks)
    extracted = extract_bundle(source, work / "Script Bundle")
    install_source_mapping(extracted)
    sys.path.append(str(extracted.root))

    import Hello
    import pkg.deep
    import json as json_module
    import email.mime.text
    sys.path.append(str(extracted.root / "vendor.zip"))
    import vendored
    try:
        Hello.greet()
    except ZeroDivisionError as exc:
        frames = traceback.extract_tb(exc.__traceback__)[1:]
    print(json.dumps({
        "frames": [[f.filename, f.lineno, f.name, f.line] for f in frames],
        "hello_file": Hello.__file__,
        "deep_file": pkg.deep.__file__,
        "data_next_to_module": Hello.read_data(),
        "stdlib_json": json_module.__file__,
        "stdlib_json_code": json_module.dumps.__code__.co_filename,
        "email_code": email.mime.text.MIMEText.__init__.__code__.co_filename,
        "hooks_added": len(sys.path_hooks) - hooks_before,
        "vendored": [vendored.__file__, vendored.VALUE],
    }))
    """
)

HELLO = textwrap.dedent(
    """
    import os
    import pkg.deep

    def greet():
        return pkg.deep.divide(1)

    def read_data():
        with open(os.path.join(os.path.dirname(__file__), "data.txt")) as f:
            return f.read()
    """
)
DEEP = "def divide(x):\n    return x / 0\n"


def _vendor_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("vendored.py", "VALUE = 'from a zip on sys.path'\n")
    return buffer.getvalue()


FILES: dict[str, str | bytes] = {
    "vendor.zip": _vendor_zip(),
    "Hello.py": HELLO,
    "pkg/__init__.py": "",
    "pkg/deep.py": DEEP,
    "json.py": "raise RuntimeError('the bundle json must not win')\n",
    "data.txt": "next to the module",
}


def run_child(source: Path, work: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(work)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "my code"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            (root / name).write_bytes(text)
        else:
            (root / name).write_text(text)
    return root


def test_folder_bundle_tracebacks_show_the_users_files(folder: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    result = run_child(folder, work)
    extracted = work / "Script Bundle"
    assert result["frames"] == [
        [str(folder / "Hello.py"), 6, "greet", "return pkg.deep.divide(1)"],
        [str(folder / "pkg" / "deep.py"), 2, "divide", "return x / 0"],
    ]
    assert result["hello_file"] == str(extracted / "Hello.py")
    assert result["deep_file"] == str(extracted / "pkg" / "deep.py")
    assert result["data_next_to_module"] == "next to the module"
    assert result["hooks_added"] == 1
    assert result["vendored"] == [
        str(extracted / "vendor.zip" / "vendored.py"),
        "from a zip on sys.path",
    ]
    assert not any(name.endswith(".pyc") for name in snapshot(extracted))
    assert not any(name.endswith(".pyc") for name in snapshot(folder))


def test_zip_bundle_tracebacks_show_zip_members(folder: Path, tmp_path: Path) -> None:
    bundle = write_zip(tmp_path / "bundle.zip", sorted(FILES.items()))
    work = tmp_path / "work"
    result = run_child(bundle, work)
    assert result["frames"] == [
        [f"{bundle}/Hello.py", 6, "greet", "return pkg.deep.divide(1)"],
        [f"{bundle}/pkg/deep.py", 2, "divide", "return x / 0"],
    ]
    assert result["hello_file"] == str(work / "Script Bundle" / "Hello.py")
    assert not any(name.endswith(".pyc") for name in snapshot(work))


def test_other_imports_are_untouched(folder: Path, tmp_path: Path) -> None:
    result = run_child(folder, tmp_path / "work")
    stdlib = Path(json.__file__).parent
    assert result["stdlib_json"] == str(stdlib / "__init__.py")
    assert result["stdlib_json_code"] == str(stdlib / "__init__.py")
    email_code = str(result["email_code"])
    assert email_code.endswith("email/mime/text.py")
    assert "Script Bundle" not in email_code


SEQUENCE = textwrap.dedent(
    """
    import json, shutil, sys, traceback
    from pathlib import Path
    from azml_lsp.bundles import extract_bundle, install_source_mapping
    from azml_lsp.bundles.mapping import BundlePathHook

    sources, work = [Path(p) for p in sys.argv[1:-1]], Path(sys.argv[-1])
    report = []
    for number, source in enumerate(sources):
        run_dir = work / f"run{number % 2}"
        extracted = extract_bundle(source, run_dir / "Script Bundle")
        install_source_mapping(extracted)
        sys.path.append(str(extracted.root))
        import step
        try:
            step.fail()
        except RuntimeError as exc:
            origin = traceback.extract_tb(exc.__traceback__)[-1].filename
        hooks = sum(isinstance(h, BundlePathHook) for h in sys.path_hooks)
        report.append([step.NAME, origin, hooks])
        sys.path.remove(str(extracted.root))
        del sys.modules["step"]
        shutil.rmtree(run_dir)
    print(json.dumps(report))
    """
)


def test_many_bundles_in_one_process_keep_one_hook_each(tmp_path: Path) -> None:
    sources = []
    for number in range(4):
        folder = tmp_path / f"bundle{number}"
        folder.mkdir()
        (folder / "step.py").write_text(
            f"NAME = 'bundle{number}'\ndef fail():\n    raise RuntimeError(NAME)\n"
        )
        sources.append(folder)
    done = subprocess.run(
        [sys.executable, "-c", SEQUENCE, *map(str, sources), str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        [f"bundle{n}", str(sources[n] / "step.py"), 1] for n in range(4)
    ]
