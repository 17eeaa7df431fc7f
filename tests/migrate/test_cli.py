"""``azml migrate`` through the real command line, in child processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.migrate.cli import azml

LEGACY = """# azml: dialect=classic env=classic-py27
import urllib2


def azureml_main(frame1):
    print "rows:", len(frame1)
    for key, value in {'a': 1}.iteritems():
        pass
    return frame1.sort('a'),
"""


def test_diff_is_the_default_and_leaves_the_file(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    script.write_text(LEGACY)
    done = azml("migrate", script, "--to", "designer")
    assert done.returncode == 0, done.stderr
    assert script.read_text() == LEGACY
    assert f"--- a/{script}" in done.stdout
    assert '+    print("rows:", len(frame1))' in done.stdout
    assert "+    return frame1.sort_values('a').reset_index(drop=True)," in done.stdout
    assert "+import urllib.request" in done.stdout
    assert f"{script}:6: AZ302 rewrote" in done.stderr
    assert f"{script}:9: AZ703 rewrote" in done.stderr


def test_write_replaces_the_file_atomically(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    script.write_text(LEGACY)
    script.chmod(0o640)
    inode = script.stat().st_ino
    done = azml("migrate", script, "--to", "designer", "--write")
    assert done.returncode == 0, done.stderr
    text = script.read_text()
    assert text.startswith("# azml: dialect=designer env=designer\n")
    assert script.stat().st_ino != inode, "written in place, not replaced"
    assert script.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy.py"]
    again = azml("migrate", script, "--to", "designer")
    assert again.returncode == 0 and again.stdout == ""
    assert again.stderr == f"{script}: nothing to change for designer\n"


def test_a_failing_bundle_module_writes_nothing(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    script.write_text(LEGACY)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "good.py").write_text("def f(d):\n    return d.iteritems()\n")
    (bundle / "zbroken.py").write_text("def g((a, b)):\n    print a\n")
    before = {p: p.read_text() for p in (script, bundle / "good.py", bundle / "zbroken.py")}
    done = azml("migrate", script, "--to", "designer", "--bundle", bundle, "--write")
    assert done.returncode == 2
    assert f"{bundle / 'zbroken.py'}:1:" in done.stderr
    assert {p: p.read_text() for p in before} == before
    assert not [p for p in tmp_path.rglob("*.partial")]


def test_bundle_modules_are_migrated_with_the_script(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    script.write_text(LEGACY)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "helpers.py").write_text("def f(d):\n    return list(d.iteritems())\n")
    done = azml("migrate", script, "--to", "designer", "--bundle", bundle, "--write")
    assert done.returncode == 0, done.stderr
    assert (bundle / "helpers.py").read_text() == "def f(d):\n    return list(d.items())\n"


def test_port_mapping_is_warned(tmp_path: Path) -> None:
    script = tmp_path / "second.py"
    script.write_text(
        "# azml: dialect=classic dataset2=data.csv\ndef azureml_main(frame1):\n    return frame1,\n"
    )
    done = azml("migrate", script, "--to", "designer")
    assert done.returncode == 0, done.stderr
    assert f"{script}:2: AZ705 check: only Dataset2 is connected" in done.stderr


def test_unknown_target_names_the_choices(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text(LEGACY)
    done = azml("migrate", script, "--to", "nowhere")
    assert done.returncode == 2
    assert "--to nowhere" in done.stderr and "designer" in done.stderr


def test_rule_explains_a_migration_code() -> None:
    done = azml("rule", "AZ701")
    assert done.returncode == 0
    assert "python2-integer-division" in done.stdout


HEADERLESS = """import urllib2


def azureml_main(frame1):
    total = 0
    print "rows:", len(frame1)
    return frame1.ix[:, 1], frame1
"""


def test_lines_are_the_original_s_and_after_write_the_written_file_s(tmp_path: Path) -> None:
    script = tmp_path / "old.py"
    script.write_text(HEADERLESS)
    shown = azml("migrate", script, "--to", "designer")
    assert shown.returncode == 0, shown.stderr
    assert f"{script}:1: AZ702 rewrote: `import urllib2`" in shown.stderr
    assert f"{script}:6: AZ302 rewrote: `print" in shown.stderr
    assert f"{script}:7: AZ401 rewrote: `.ix` -> `.iloc`" in shown.stderr
    written = azml("migrate", script, "--to", "designer", "--write")
    assert written.returncode == 0, written.stderr
    lines = script.read_text().splitlines()
    assert f"{script}:8: AZ401 rewrote" in written.stderr
    assert lines[7] == "    return frame1.iloc[:, 1],"


def test_unknown_source_and_against_without_verify_are_refused(tmp_path: Path) -> None:
    script = tmp_path / "old.py"
    script.write_text(HEADERLESS)
    unknown = azml("migrate", script, "--to", "designer", "--from", "nowhere")
    assert unknown.returncode == 2
    assert "--from nowhere: unknown twin 'nowhere': known twins are" in unknown.stderr
    against = azml("migrate", script, "--to", "designer", "--against", script)
    assert against.returncode == 2 and "give --verify too" in against.stderr
    assert script.read_text() == HEADERLESS


RICH = """# azml: dialect=classic dataset2=in.csv
import urllib2
from sklearn.cross_validation import train_test_split
from pandas.tools.merge import concat


def azureml_main(frame1):
    print "rows", len(frame1)
    try:
        n = int(frame1.shape[0])
    except ValueError, e:
        n = 0
    for key, value in {'a': 1}.iteritems():
        pass
    half = n / 2
    ratio = frame1['a'] / n
    frame1.set_value(0, 'a', frame1.get_value(0, 'a'))
    top = frame1.sort('a').ix[0, 'a']
    return [frame1.ix[frame1['a'] > half]]
"""


def test_every_code_a_migration_names_is_explained_by_azml_rule(tmp_path: Path) -> None:
    script = tmp_path / "rich.py"
    script.write_text(RICH)
    done = azml("migrate", script, "--to", "designer", "--json")
    assert done.returncode == 0, done.stderr
    codes = {line.split()[1] for line in json.loads(done.stdout)["findings"]}
    expected = {"AZ302", "AZ303", "AZ401", "AZ406", "AZ701", "AZ702", "AZ703", "AZ704",
                "AZ705"}  # fmt: skip
    assert expected <= codes, codes
    listed = [line for line in json.loads(done.stdout)["findings"] if ".ix` takes" in line]
    assert len(listed) == 1 and "sort_values('a').ix[0, 'a']" in listed[0], listed
    for code in sorted(codes):
        explained = azml("rule", code)
        assert explained.returncode == 0, explained.stderr
        assert explained.stdout.startswith(f"## {code} "), explained.stdout[:200]


def test_a_latin_1_script_is_written_back_in_latin_1(tmp_path: Path) -> None:
    script = tmp_path / "latin.py"
    script.write_bytes(
        b"# -*- coding: latin-1 -*-\n"
        b"def azureml_main(frame1):\n"
        b'    print "caf\xe9", len(frame1)\n'
        b'    frame1["label"] = "caf\xe9"\n'
        b"    return frame1\n"
    )
    shown = azml("migrate", script, "--to", "designer")
    assert '+    print("café", len(frame1))' in shown.stdout, shown.stderr
    done = azml("migrate", script, "--to", "designer", "--write")
    assert done.returncode == 0, done.stderr
    data = script.read_bytes()
    assert data.startswith(b"# -*- coding: latin-1 -*-\n# azml: dialect=designer env=designer\n")
    assert b'print("caf\xe9", len(frame1))' in data
    (tmp_path / "in.csv").write_text("a\n1\n")
    ran = azml("run", script, "--env", "local", "--dataset1", tmp_path / "in.csv",
               "--out", tmp_path / "out")  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "out" / "result_dataset.csv").read_text(
        encoding="utf-8"
    ) == "a,label\n1,café\n"


def test_where_the_original_ran(tmp_path: Path) -> None:
    python2 = tmp_path / "py2.py"
    python2.write_text(HEADERLESS)
    python3 = tmp_path / "py3.py"
    python3.write_text("# azml: dialect=classic\ndef azureml_main(df):\n    return df\n")
    cases = [(python2, [], "classic-py27"), (python3, [], "classic-py35"),
             (python3, ["--from", "classic-py27"], "classic-py27")]  # fmt: skip
    for script, options, origin in cases:
        done = azml("migrate", script, "--to", "designer", *options, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["from"] == origin, (script, options)
