"""Result tables, previews, images and stale files, on real files."""

from __future__ import annotations

import base64
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from azml_lsp import atomic
from azml_lsp.contract.errors import ErrorCode
from azml_lsp.runtime.inputs import load_dataset
from azml_lsp.runtime.outputs import (
    OutputError,
    collect_images,
    preview,
    remove_stale,
    write_table,
)
from azml_lsp.runtime.outputs.layout import images_dir, table_path
from tests.runtime_io.conftest import assert_same_table


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_csv_has_header_no_index_and_empty_missing(reference: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_table(reference.set_axis([10, 11, 12, 13]), path, "csv")
    rows = _rows(path)
    assert rows[0] == list(reference.columns)
    assert len(rows) == len(reference) + 1
    for r, (_, record) in enumerate(reference.iterrows(), start=1):
        for c, value in enumerate(record):
            assert (rows[r][c] == "") == pd.isna(value)
    assert_same_table(load_dataset(str(path), "designer"), reference)


def test_csv_quotes_only_when_needed(tmp_path: Path) -> None:
    plain, quoted = tmp_path / "plain.csv", tmp_path / "quoted.csv"
    write_table(pd.DataFrame({"t": ["", None, "x"], "n": [1, 2, 3]}), plain, "csv")
    assert plain.read_text().splitlines() == ["t,n", ",1", ",2", "x,3"]
    write_table(pd.DataFrame({"t": ["", None, "x,y"], "a,b": [1, 2, 3]}), quoted, "csv")
    assert quoted.read_text().splitlines() == ['t,"a,b"', '"",1', ",2", '"x,y",3']


def test_csv_writes_odd_values_as_text(tmp_path: Path) -> None:
    blob = b"\x00\xffmodel"
    frame = pd.DataFrame(
        {
            "mixed": [1, "a", None],
            "blob": [blob, None, b""],
            "span": pd.to_timedelta([1, None, 90], unit="min"),
            "nested": [[1, 2], {"k": 1}, None],
        }
    )
    path = tmp_path / "odd.csv"
    write_table(frame, path, "csv")
    rows = _rows(path)[1:]
    assert [r[0] for r in rows] == ["1", "a", ""]
    assert base64.b64decode(rows[0][1]) == blob and rows[1][1] == ""
    assert [r[2] for r in rows] == [str(frame["span"][0]), "", str(frame["span"][2])]
    assert rows[0][3] == str([1, 2])


@pytest.mark.parametrize("text", ["plain", "needs, quotes"])
def test_large_csv_is_identical_to_a_single_threaded_write(tmp_path: Path, text: str) -> None:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from azml_lsp.runtime.outputs.tables import CSV_PARALLEL_MIN_ROWS, csv_header, quoting_style

    rows = 2 * CSV_PARALLEL_MIN_ROWS + 7
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": np.arange(rows), "b": rng.normal(size=rows)})
    frame["c"] = pd.Series(
        [None if a % 3 == 0 else f"{text} {a}" for a in frame["a"]], dtype=object
    )
    ours = tmp_path / "ours.csv"
    write_table(frame, ours, "csv")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    options = pa_csv.WriteOptions(include_header=False, quoting_style=quoting_style(table))
    pa_csv.write_csv(table, sink, options)
    assert ours.read_bytes() == csv_header(list(frame.columns)) + sink.getvalue().to_pybytes()
    assert (options.quoting_style == "none") == (text == "plain")


def test_parquet_round_trip(reference: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    write_table(reference, path, "parquet")
    assert_same_table(load_dataset(str(path), "designer"), reference)


def test_parquet_refuses_a_mixed_column_by_name(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    with pytest.raises(OutputError) as caught:
        write_table(pd.DataFrame({"ok": [1, 2], "mixed": [1, "two"]}), path, "parquet")
    error = caught.value
    assert error.code == ErrorCode.OUTPUT_INVALID == 18
    assert error.column == "mixed"
    assert "'mixed'" in str(error) and "astype(str)" in str(error)
    assert str(error).startswith("Result dataset contains invalid data")
    assert not path.exists() and not list(tmp_path.iterdir())


FILL_DISK = """
import resource, signal, sys
from pathlib import Path
import numpy as np, pandas as pd
from azml_lsp.runtime.outputs import OutputError, write_table
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
frame = pd.DataFrame({"a": np.arange(100_000), "b": np.arange(100_000) * 0.5})
try:
    write_table(frame, Path(sys.argv[1]), "csv")
except OutputError as exc:
    print(exc)
"""


def test_a_write_failing_midway_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "result_dataset.csv"
    write_table(pd.DataFrame({"a": [1, 2, 3]}), path, "csv")
    before = path.read_bytes()
    out = subprocess.run(
        [sys.executable, "-c", FILL_DISK, str(path)], capture_output=True, text=True, check=True
    )
    assert "cannot write" in out.stdout and "free space" in out.stdout
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


KILLED_WRITER = """
import sys
from pathlib import Path
import numpy as np, pandas as pd
from azml_lsp.runtime.outputs import write_table
frame = pd.DataFrame({"a": np.arange(3_000_000), "b": np.arange(3_000_000) * 0.5})
print("ready", flush=True)
while True:
    write_table(frame, Path(sys.argv[1]), "csv")
"""


def test_a_killed_write_leaves_no_partial_target(tmp_path: Path) -> None:
    path = tmp_path / "result_dataset.csv"
    write_table(pd.DataFrame({"a": [1]}), path, "csv")
    before = path.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while not any(atomic.is_partial(p) for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    content = path.read_bytes()
    assert content == before or (content.endswith(b"\n") and len(content.splitlines()) == 3_000_001)
    remove_stale(tmp_path, {path})
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_preview_is_json_safe() -> None:
    frame = pd.DataFrame(
        {
            "i": np.array([1, 2], dtype=np.int32),
            "f": [np.nan, np.inf],
            "t": pd.Series([pd.Timestamp("2024-05-01 10:30"), pd.NaT]),
            "s": ["x" * 500, None],
            "b": [b"\x00a", None],
            "d": pd.to_timedelta([5, None], unit="s"),
            "n": pd.array([True, None], dtype="boolean"),
        }
    )
    dtypes, head = preview(frame, rows=5)
    assert dtypes == [str(d) for d in frame.dtypes]
    json.dumps(head, allow_nan=False)
    first, second = head
    assert first[0] == 1 and type(first[0]) is int
    assert second[1] == "inf" and first[1] is None
    assert first[2] == pd.Timestamp("2024-05-01 10:30").isoformat() and second[2] is None
    assert first[3].startswith("xxx") and len(first[3]) < 500 and second[3] is None
    assert first[4] == repr(b"\x00a")
    assert first[5] == str(pd.Timedelta(seconds=5)) and second[5] is None
    assert first[6] is True and second[6] is None


def _png(path: Path, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + path.name.encode())
    os.utime(path, (mtime, mtime))


def test_collect_images_order_names_and_skips(tmp_path: Path) -> None:
    work, out = tmp_path / "work", tmp_path / "out"
    now = time.time()
    _png(work / "b.png", now - 30)
    _png(work / "a.png", now - 30)
    _png(work / "plots" / "late.PNG", now - 10)
    _png(work / "first.png", now - 60)
    _png(work / "plots_a.png", now - 5)
    _png(work / "plots" / "a.png", now - 4)
    _png(work / "Script Bundle" / "logo.png", now - 100)
    (work / "notes.txt").write_text("not an image")
    (work / "link.png").symlink_to(work / "first.png")
    dest = images_dir(out)
    copies = collect_images(work, dest)
    names = [Path(c).name for c in copies]
    assert names == [
        "first.png",
        "a.png",
        "b.png",
        "plots_late.PNG",
        "plots_a.png",
        "plots_a-2.png",
    ]
    assert all(Path(c).is_absolute() and Path(c).parent == dest for c in copies)
    assert Path(copies[0]).read_bytes() == (work / "first.png").read_bytes()
    assert Path(copies[-1]).read_bytes() == (work / "plots" / "a.png").read_bytes()
    assert collect_images(tmp_path / "none", tmp_path / "dest2") == []
    assert not (tmp_path / "dest2").exists()


def test_remove_stale_keeps_this_runs_files(tmp_path: Path) -> None:
    out = tmp_path
    fresh = table_path(out, 1, "csv")
    stale = [table_path(out, 2, "csv"), table_path(out, 1, "parquet")]
    for path in [fresh, *stale]:
        path.write_text("x\n")
    images = images_dir(out)
    images.mkdir()
    kept_image, old_image = images / "new.png", images / "old.png"
    kept_image.write_bytes(b"png")
    old_image.write_bytes(b"png")
    partial = out / ".result_dataset.csv.abc.partial"
    partial.write_text("half")
    other = out / "notes.txt"
    other.write_text("mine")
    remove_stale(out, {fresh, kept_image})
    assert fresh.exists() and kept_image.exists() and other.exists()
    assert not any(p.exists() for p in [*stale, old_image, partial])


def test_atomic_write_text_replaces_whole_file(tmp_path: Path) -> None:
    target, plain = tmp_path / "log.txt", tmp_path / "plain.txt"
    plain.write_text("made by open()\n")
    atomic.write_text(target, "first\n")
    atomic.write_text(target, "second\n")
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.txt", "plain.txt"]
    assert target.stat().st_mode == plain.stat().st_mode


def test_atomic_path_removes_temp_on_error(tmp_path: Path) -> None:
    target = tmp_path / "t.bin"
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as temp:
        temp.write_bytes(b"partial")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_write_into_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "no" / "out.csv", "csv")
    assert "cannot write" in str(caught.value)


TEXT_EDITS = """
def azureml_main(dataframe1=None, dataframe2=None):
    dataframe1["as_read"] = dataframe1["name"]
    dataframe1.loc[5, "city"] = "changed in place"
    dataframe1["reversed"] = dataframe1["name"].iloc[::-1].to_numpy()
    return dataframe1,
"""


def test_text_is_written_as_the_script_left_it(tmp_path: Path) -> None:
    """Text columns returned as they were read are written from the Arrow data they were read
    from; the file is the same as converting every value back, edits made in place included."""
    from azml_lsp.runtime import RunRequest, run
    from azml_lsp.runtime.inputs.text_twins import MIN_ROWS

    rows = MIN_ROWS + 2_000
    source = pd.DataFrame(
        {
            "id": range(rows),
            "name": [
                None if i % 7 == 0 else f'n{i}, "q"' if i % 11 == 0 else f"näme{i}"
                for i in range(rows)
            ],
            "city": [f"c{i % 13}" for i in range(rows)],
        }
    )
    data = tmp_path / "in.csv"
    source.to_csv(data, index=False)
    script = tmp_path / "edits.py"
    script.write_text(TEXT_EDITS)
    result = run(RunRequest(script=str(script), dataset1=str(data), out_dir=str(tmp_path / "out")))
    assert result.ok, result.error

    namespace: dict[str, object] = {}
    exec(TEXT_EDITS, namespace)
    expected = namespace["azureml_main"](load_dataset(str(data), "designer"))[0]  # type: ignore[operator]
    write_table(expected, tmp_path / "expected.csv", "csv")
    written = Path(result.outputs[0].path).read_bytes()
    assert written == (tmp_path / "expected.csv").read_bytes()
    assert b"changed in place" in written and b'"n11, ""q"""' in written


def test_a_text_twin_is_found_only_for_a_column_holding_what_was_read(tmp_path: Path) -> None:
    from azml_lsp.runtime.inputs.text_twins import MIN_ROWS, TextTwins

    data = tmp_path / "in.csv"
    pd.DataFrame(
        {"name": [f"n{i}" for i in range(MIN_ROWS)], "city": [f"c{i % 5}" for i in range(MIN_ROWS)]}
    ).to_csv(data, index=False)
    twins = TextTwins()
    frame = load_dataset(str(data), "designer", twins=twins)
    frame["copied"] = frame["name"].copy()
    frame.loc[3, "city"] = "edited"
    frame["sorted"] = frame["name"].sort_values().to_numpy()
    found = {
        name: twins.find(frame[name].to_numpy(dtype=object, copy=False)) is not None
        for name in frame.columns
    }
    assert found == {"name": True, "city": False, "copied": True, "sorted": False}
