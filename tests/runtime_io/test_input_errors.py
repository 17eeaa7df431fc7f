"""Bad input files give an InputError naming the file, the line and column, and what to do."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from azml_lsp.runtime.inputs import InputError, check_readable, load_dataset
from tests.runtime_io.conftest import assert_same_table, write_bytes


def _error(path: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_dataset(path, "designer")
    error = caught.value
    assert error.path == path
    assert str(error).startswith(path)
    assert error.hint and error.message
    return error


def test_row_with_too_many_fields_names_its_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "bad.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n11,12,13\n")
    error = _error(path)
    assert error.line == 4
    assert str(error).startswith(f"{path}:4: ")
    assert "4 fields" in error.message and "header has 3" in error.message
    assert "quote" in error.hint


def test_row_with_too_few_fields_after_a_multiline_field(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "few.csv", b'a,b\n"x\ny",1\n2\n')
    error = _error(path)
    assert error.line == 4 and "1 fields" in error.message


def test_unclosed_quote(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "quote.csv", b'a,b\n1,"open\n2,3\n')
    error = _error(path)
    assert error.line == 2


@pytest.mark.parametrize("line", [1, 3])
def test_latin1_file_names_line_and_column(tmp_path: Path, line: int) -> None:
    rows = ["model,city", "bob,paris", "zoe,lyon"]
    rows[line - 1] = rows[line - 1].replace("o", "ö", 1)
    path = write_bytes(tmp_path, "latin.csv", ("\n".join(rows) + "\n").encode("latin-1"))
    error = _error(path)
    assert error.line == line
    assert "UTF-8" in error.message and "0xF6" in error.message
    assert "UTF-8" in error.hint
    assert error.column == (None if line == 1 else "model")


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
)
def test_byte_order_marks_just_work(tmp_path: Path, encoding: str, bom: bytes) -> None:
    source = pd.DataFrame({"name": ["zoé", "ünal"], "n": [1, 2]})
    data = bom + source.to_csv(index=False).encode(encoding)
    loaded = load_dataset(write_bytes(tmp_path, "bom.csv", data), "designer")
    assert_same_table(loaded, source)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "empty.csv", b"")
    error = _error(path)
    assert "empty" in error.message and "0 bytes" in error.message
    with pytest.raises(InputError):
        check_readable(path)


def test_blank_file_has_no_header(tmp_path: Path) -> None:
    error = _error(write_bytes(tmp_path, "blank.csv", b"\n\n"))
    assert "header" in error.message


def test_missing_file_and_folder_and_suffix(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    assert "not found" in _error(missing).message
    folder = tmp_path / "data.csv"
    folder.mkdir()
    assert "folder" in _error(str(folder)).message
    sheet = write_bytes(tmp_path, "book.xlsx", b"PK\x03\x04")
    error = _error(sheet)
    assert ".xlsx" in error.message and ".csv" in error.hint


def test_duplicate_header_names_both_positions(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "dup.csv", b"id,x,y,x\n1,2,3,4\n")
    error = _error(path)
    assert error.line == 1 and error.column == "x"
    assert "'x'" in error.message and "columns 2 and 4" in error.message
    assert "unique" in error.hint


def test_duplicate_names_in_parquet(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["a", "a"]), path)
    error = _error(str(path))
    assert error.column == "a" and "columns 1 and 2" in error.message


@pytest.mark.parametrize(
    ("column", "array"),
    [
        ("point", pa.array([{"x": 1, "y": 2}])),
        ("tags", pa.array([["a", "b"]])),
        ("attrs", pa.array([[("k", 1)]], type=pa.map_(pa.string(), pa.int64()))),
    ],
    ids=["struct", "list", "map"],
)
def test_nested_parquet_column_is_refused_by_name(
    tmp_path: Path, column: str, array: pa.Array
) -> None:
    path = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": [1], column: array}), path)
    error = _error(str(path))
    assert error.column == column and repr(column) in error.message
    assert "flat" in error.hint


def test_not_really_parquet(tmp_path: Path) -> None:
    error = _error(write_bytes(tmp_path, "fake.parquet", b"id,name\n1,a\n"))
    assert "Parquet" in error.message


def test_json_lines_bad_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "rows.jsonl", b'{"a": 1}\n\n{"a": 2,}\n{"a": 3}\n')
    error = _error(path)
    assert error.line == 3


def test_json_lines_with_changing_types_loads(tmp_path: Path) -> None:
    lines = [json.dumps({"a": 1, "b": "x"}), json.dumps({"a": "two", "b": None})]
    loaded = load_dataset(write_bytes(tmp_path, "m.jsonl", "\n".join(lines).encode()), "designer")
    assert list(loaded["a"]) == [1, "two"] and list(loaded["b"]) == ["x", None]


def test_json_syntax_error_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "bad.json", b'[\n  {"a": 1},\n  {"a": }\n]\n')
    assert _error(path).line == 3


def test_json_that_is_not_a_table(tmp_path: Path) -> None:
    error = _error(write_bytes(tmp_path, "scalar.json", b"42"))
    assert "not a table" in error.message and "list of objects" in error.hint


def test_json_nested_values_refused(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "nested.json", json.dumps([{"a": 1, "b": {"c": 2}}]).encode())
    assert _error(path).column == "b"


def test_parent_check_imports_no_pandas(tmp_path: Path) -> None:
    """The parent's pre-flight, report and summary modules load without pandas or pyarrow."""
    good = write_bytes(tmp_path, "ok.csv", b"a\n1\n")
    code = textwrap.dedent(
        f"""
        import sys
        from azml_lsp.runtime.inputs import check_readable, InputError
        import azml_lsp.runtime.outputs.report, azml_lsp.cli.summary, azml_lsp.runtime.outputs.layout
        check_readable({good!r})
        try:
            check_readable({str(tmp_path / "gone.csv")!r})
        except InputError as exc:
            print(exc)
        print(sorted(m for m in ("pandas", "numpy", "pyarrow") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    message, modules = out.stdout.splitlines()
    assert message.startswith(str(tmp_path / "gone.csv")) and "not found" in message
    assert modules == "[]"


@pytest.mark.parametrize("name", ["utf16.csv", "utf16.jsonl"])
def test_utf16_without_bom_is_named(tmp_path: Path, name: str) -> None:
    text = "name,n\nzoé,1\n" if name.endswith(".csv") else '{"name": "zoé"}\n'
    error = _error(write_bytes(tmp_path, name, text.encode("utf-16-le")))
    assert error.line == 1 and "NUL" in error.message and "UTF-16" in error.message
    assert "UTF-8" in error.hint
