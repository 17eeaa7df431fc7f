"""CONTRACT.md sections 4 and 5: the Script Bundle on the import path, plots collected as PNG."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.runtime.conftest import Runner, output_frame


def _bundle_tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "mymodule.py").write_text("def greet(name):\n    return 'hello ' + name\n")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "tools.py").write_text(
        "def boom():\n    raise RuntimeError('from the bundle')\n"
    )
    (root / "pkg" / "data.txt").write_text("payload")
    (root / "json.py").write_text("SHADOW = True\n")
    return root


def _zip(tree: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(tree).as_posix())
    return target


USES_BUNDLE = """
import json
import os
import pandas as pd
import mymodule
from pkg import tools

def azureml_main(dataframe1=None, dataframe2=None):
    data = open(os.path.join("Script Bundle", "pkg", "data.txt")).read()
    return pd.DataFrame({
        "greeting": [mymodule.greet("you")],
        "data": [data],
        "stdlib_json_wins": [not hasattr(json, "SHADOW")],
    }),
"""


@pytest.mark.parametrize("form", ["zip", "folder"])
def test_bundle_modules_import_and_files_are_available(
    run_script: Runner, tmp_path: Path, form: str
) -> None:
    tree = _bundle_tree(tmp_path / "bundle_src")
    bundle = _zip(tree, tmp_path / "bundle.zip") if form == "zip" else tree
    result = run_script(USES_BUNDLE, bundle=str(bundle))
    assert result.ok, result.error
    frame = output_frame(result)
    assert frame.loc[0, "greeting"] == "hello you"
    assert frame.loc[0, "data"] == "payload"
    assert bool(frame.loc[0, "stdlib_json_wins"]) is True


def test_folder_bundle_frames_point_at_the_users_files(run_script: Runner, tmp_path: Path) -> None:
    tree = _bundle_tree(tmp_path / "bundle_src")
    source = "from pkg import tools\n\ndef azureml_main(df=None):\n    tools.boom()\n"
    result = run_script(source, bundle=str(tree))
    assert result.error is not None
    assert result.error.frames[-1].path == str(tree / "pkg" / "tools.py")
    assert result.error.frames[-1].line == 2
    assert result.error.line == 4


def test_zip_bundle_frames_name_the_archive_member(run_script: Runner, tmp_path: Path) -> None:
    archive = _zip(_bundle_tree(tmp_path / "bundle_src"), tmp_path / "bundle.zip")
    source = "from pkg import tools\n\ndef azureml_main(df=None):\n    tools.boom()\n"
    result = run_script(source, bundle=str(archive))
    assert result.error is not None
    assert result.error.frames[-1].path.replace("\\", "/").endswith("bundle.zip/pkg/tools.py")


def test_a_file_that_is_not_a_zip_is_error_0102(run_script: Runner, tmp_path: Path) -> None:
    fake = tmp_path / "bundle.zip"
    fake.write_text("not a zip")
    result = run_script("def azureml_main(df=None):\n    return None\n", bundle=str(fake))
    assert result.error is not None
    assert result.error.code == 102
    assert "Given ZIP file is not in the correct format." in result.error.message


def test_a_traversing_bundle_is_refused(run_script: Runner, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("../escape.py", "x = 1\n")
    result = run_script("def azureml_main(df=None):\n    return None\n", bundle=str(archive))
    assert result.error is not None and result.error.kind == "bundle"
    assert "../escape.py" in result.error.message
    assert not (tmp_path / "escape.py").exists()


PLOTS = """
import os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    os.makedirs("sub", exist_ok=True)
    for name in ("zz_first.png", "aa_second.png", "sub/third.png"):
        fig = plt.figure()
        plt.plot([1, 2, 3])
        fig.savefig(name)
        plt.close(fig)
    return pd.DataFrame({"a": [1]}),
"""


def test_classic_collects_pngs_in_creation_order(run_script: Runner) -> None:
    result = run_script(PLOTS, dialect="classic")
    assert result.ok, result.error
    names = [Path(p).name for p in result.images]
    assert names[0].startswith("zz_first") and names[1].startswith("aa_second")
    assert len(names) == 3
    for image in result.images:
        assert Path(image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not result.warnings


def test_designer_collects_pngs_but_warns_they_are_deleted_in_the_cloud(run_script: Runner) -> None:
    result = run_script(PLOTS, dialect="designer")
    assert len(result.images) == 3
    assert any("upload_file" in w for w in result.warnings)
