"""``azml migrate --bundle lib.zip``: a zip Script Bundle's modules diffed and migrated into a new
zip, or over it with ``--write``; through the real command line on real zip files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.migrate.cli import azml

SCRIPT = """# azml: dialect=classic env=classic-py27 dataset1=scores.csv bundle=lib.zip
import helpers


def azureml_main(frame1):
    print "rows:", len(frame1)
    return helpers.ranked(frame1),
"""

HELPERS = """def ranked(frame):
    for key, value in {'a': 1}.iteritems():
        pass
    print "ranking", len(frame)
    out = frame.sort('score', ascending=False)
    out['rank'] = range(1, len(out) + 1)
    return out.reset_index(drop=True)
"""

MIGRATED_HELPERS = """def ranked(frame):
    for key, value in {'a': 1}.items():
        pass
    print("ranking", len(frame))
    out = frame.sort_values('score', ascending=False)
    out['rank'] = range(1, len(out) + 1)
    return out.reset_index(drop=True)
"""

DATA = bytes(range(256)) * 4
"""A binary entry the migration must copy byte for byte."""

MODERN = "def untouched():\n    return 1\n"


def make_zip(path: Path, data_method: int = zipfile.ZIP_DEFLATED) -> None:
    """A bundle as zip tools make it: folders, a package, data, per-entry dates and modes."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.comment = b"built by hand"
        folder = zipfile.ZipInfo("pkg/", date_time=(2016, 5, 4, 3, 2, 0))
        folder.external_attr = (0o40755 << 16) | 0x10
        zf.writestr(folder, b"")
        entries = [
            ("helpers.py", HELPERS.encode(), zipfile.ZIP_DEFLATED, 0o100644),
            ("pkg/__init__.py", MODERN.encode(), zipfile.ZIP_STORED, 0o100600),
            ("pkg/table.bin", DATA, data_method, 0o100755),
        ]
        for name, data, method, mode in entries:
            info = zipfile.ZipInfo(name, date_time=(2016, 5, 4, 3, 2, 0))
            info.compress_type = method
            info.external_attr = mode << 16
            zf.writestr(info, data)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "legacy.py").write_text(SCRIPT)
    (tmp_path / "scores.csv").write_text("name,score\nann,7\nbob,9\ncy,4\n")
    make_zip(tmp_path / "lib.zip")
    return tmp_path


def records(path: Path) -> list[tuple[str, tuple[int, ...], int, int, bytes]]:
    """Each entry's name, date, method, mode and data, in order."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None, f"{path} has a damaged entry"
        return [
            (i.filename, i.date_time, i.compress_type, i.external_attr, zf.read(i))
            for i in zf.infolist()
        ]


def test_diff_shows_the_modules_inside_and_a_new_zip_is_written_beside(project: Path) -> None:
    original = (project / "lib.zip").read_bytes()
    done = azml("migrate", "legacy.py", "--to", "designer", "--bundle", "lib.zip", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "--- a/lib.zip/helpers.py\n+++ b/lib.zip/helpers.py\n" in done.stdout
    assert '\n-    print "ranking", len(frame)\n' in done.stdout
    assert '\n+    print("ranking", len(frame))\n' in done.stdout
    assert "pkg/__init__.py" not in done.stdout, "an unchanged module is in the diff"
    assert "lib.zip/helpers.py:2: AZ303 rewrote: `.iteritems()` -> `.items()`" in done.stderr
    assert "wrote lib.designer.zip" in done.stderr
    assert (project / "lib.zip").read_bytes() == original
    assert (project / "legacy.py").read_text() == SCRIPT
    before, after = records(project / "lib.zip"), records(project / "lib.designer.zip")
    assert [r[0] for r in after] == [r[0] for r in before]
    for old, new in zip(before, after, strict=True):
        if old[0] == "helpers.py":
            assert new[4].decode() == MIGRATED_HELPERS
            assert new[2:4] == old[2:4] and new[1] > old[1], "method, mode kept; dated now"
        else:
            assert new == old, f"{old[0]} was not copied as it was"
    with zipfile.ZipFile(project / "lib.designer.zip") as zf:
        assert zf.comment == b"built by hand"


def test_write_replaces_the_zip_and_the_script_atomically(project: Path) -> None:
    zip_path = project / "lib.zip"
    zip_path.chmod(0o640)
    inode = zip_path.stat().st_ino
    done = azml("migrate", "legacy.py", "--to", "designer", "--write", "--json", cwd=project)
    assert done.returncode == 0, done.stderr
    # the header's bundle is read relative to the script
    assert json.loads(done.stdout)["written"] == [str(zip_path), "legacy.py"]
    assert zip_path.stat().st_ino != inode, "written in place, not replaced"
    assert zip_path.stat().st_mode & 0o777 == 0o640
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.read("helpers.py").decode() == MIGRATED_HELPERS
        assert zf.read("pkg/table.bin") == DATA
    assert (project / "legacy.py").read_text().startswith("# azml: dialect=designer env=designer")
    assert sorted(p.name for p in project.iterdir()) == ["legacy.py", "lib.zip", "scores.csv"]
    again = azml("migrate", "legacy.py", "--to", "designer", "--write", cwd=project)
    assert again.returncode == 0 and "wrote" not in again.stderr, again.stderr


def test_a_damaged_entry_writes_nothing(project: Path) -> None:
    """The modules read well, the data entry is found damaged while the new zip is written:
    neither the zip nor the script is replaced, no temp file is left."""
    zip_path = project / "lib.zip"
    make_zip(zip_path, data_method=zipfile.ZIP_STORED)
    raw = bytearray(zip_path.read_bytes())
    at = raw.index(DATA)
    raw[at + 10] ^= 0xFF  # the stored bytes no longer match their CRC
    zip_path.write_bytes(bytes(raw))
    done = azml("migrate", "legacy.py", "--to", "designer", "--write", cwd=project)
    assert done.returncode == 2, done.stderr
    assert "lib.zip: 'pkg/table.bin'" in done.stderr and "damaged" in done.stderr
    assert zip_path.read_bytes() == bytes(raw)
    assert (project / "legacy.py").read_text() == SCRIPT
    assert sorted(p.name for p in project.iterdir()) == ["legacy.py", "lib.zip", "scores.csv"]


def test_a_file_that_is_no_zip_is_refused_with_the_bundle_error(project: Path) -> None:
    (project / "lib.zip").write_text("not a zip\n")
    done = azml("migrate", "legacy.py", "--to", "designer", "--bundle", "lib.zip", cwd=project)
    assert done.returncode == 2
    assert "error: --bundle error 0102: lib.zip: Given ZIP file" in done.stderr, done.stderr
    assert "azml bundle DIR -o bundle.zip" in done.stderr
    assert done.stdout == ""
    assert sorted(p.name for p in project.iterdir()) == ["legacy.py", "lib.zip", "scores.csv"]


def test_a_missing_bundle_is_named(project: Path) -> None:
    done = azml("migrate", "legacy.py", "--to", "designer", "--bundle", "gone.zip", cwd=project)
    assert done.returncode == 2
    assert "--bundle gone.zip: no such folder or zip file" in done.stderr


def test_verify_runs_the_migrated_zip_in_the_designer(project: Path) -> None:
    from tests.twins.conftest import ensure_twin

    for twin in ("classic-py27", "designer"):
        ensure_twin(twin)
    original = (project / "lib.zip").read_bytes()
    done = azml("migrate", "legacy.py", "--to", "designer", "--verify", "--out", "v", "--json",
                cwd=project)  # fmt: skip
    report = json.loads(done.stdout)
    assert done.returncode == 0, (report.get("comparison"), done.stderr)
    assert report["comparison"]["envs"] == ["classic-py27", "designer"]
    assert report["comparison"]["ports"][0]["equal"] is True
    # the designer's Python 3 cannot import the original helpers.py (a print statement)
    assert [run["ok"] for run in report["comparison"]["runs"]] == [True, True]
    with zipfile.ZipFile(project / "v" / "migrated" / "lib.zip") as zf:
        assert zf.read("helpers.py").decode() == MIGRATED_HELPERS
    assert (project / "lib.zip").read_bytes() == original
    assert (project / "legacy.py").read_text() == SCRIPT
