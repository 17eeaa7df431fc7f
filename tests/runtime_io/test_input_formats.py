"""Every supported input format loads into the same table."""

from __future__ import annotations

import bz2
import gzip
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from azml_lsp.runtime.inputs import SUPPORTED_INPUT_SUFFIXES, input_format, load_dataset
from azml_lsp.runtime.inputs.tables import python_strings
from tests.runtime_io.conftest import assert_same_table


def _csv(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep).encode("utf-8")


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _jsonl(frame: pd.DataFrame) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in _records(frame)).encode("utf-8")


PLAIN_WRITERS: dict[str, Callable[[pd.DataFrame, Path], object]] = {
    ".csv": lambda f, p: p.write_bytes(_csv(f)),
    ".tsv": lambda f, p: p.write_bytes(_csv(f, "\t")),
    ".tab": lambda f, p: p.write_bytes(_csv(f, "\t")),
    ".parquet": lambda f, p: f.to_parquet(p, index=False),
    ".pq": lambda f, p: pq.write_table(pa.Table.from_pandas(f, preserve_index=False), p),
    ".feather": lambda f, p: f.to_feather(p),
    ".arrow": lambda f, p: feather.write_feather(pa.Table.from_pandas(f), str(p), version=2),
    ".jsonl": lambda f, p: p.write_bytes(_jsonl(f)),
    ".ndjson": lambda f, p: p.write_bytes(_jsonl(f)),
    ".json": lambda f, p: p.write_text(json.dumps(_records(f))),
}
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {".gz": gzip.compress, ".bz2": bz2.compress}


def write_as(frame: pd.DataFrame, path: Path, suffix: str) -> None:
    """Write ``frame`` in the format ``suffix`` names, compressed when it ends so."""
    plain, packed = (
        os.path.splitext(suffix) if suffix.endswith(tuple(COMPRESSORS)) else (suffix, "")
    )
    PLAIN_WRITERS[plain](frame, path)
    if packed:
        path.write_bytes(COMPRESSORS[packed](path.read_bytes()))


@pytest.mark.parametrize("suffix", sorted(SUPPORTED_INPUT_SUFFIXES))
def test_format_round_trip(suffix: str, reference: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / f"data{suffix}"
    write_as(reference, path, suffix)
    loaded = load_dataset(str(path), "designer")
    if SUPPORTED_INPUT_SUFFIXES[suffix] in ("json", "jsonl"):
        # JSON has no time type: ISO text stays text
        reference = reference.assign(when=reference["when"].map(_iso))
    assert_same_table(loaded, reference)


def _iso(value: pd.Timestamp) -> str | None:
    return None if pd.isna(value) else value.isoformat(timespec="milliseconds")


@pytest.mark.parametrize(
    "document",
    [
        lambda f: json.loads(f.to_json(orient="split", index=False)),
        lambda f: json.loads(f.to_json(orient="table", index=False)),
        lambda f: {name: list(values) for name, values in _records_by_column(f).items()},
    ],
    ids=["split", "table", "columns"],
)
def test_json_layouts(
    document: Callable[[pd.DataFrame], object], reference: pd.DataFrame, tmp_path: Path
) -> None:
    source = reference.drop(columns=["when"])
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document(source)))
    assert_same_table(load_dataset(str(path), "designer"), source)


def _records_by_column(frame: pd.DataFrame) -> dict[str, list[object]]:
    return {name: [r[name] for r in _records(frame)] for name in frame.columns}


def test_suffix_is_case_insensitive_and_compound(tmp_path: Path) -> None:
    assert input_format(str(tmp_path / "A.CSV.GZ")) == ("csv", "gzip")
    assert input_format(str(tmp_path / "b.Parquet")) == ("parquet", None)
    assert input_format(str(tmp_path / ".csv")) is None
    assert input_format(str(tmp_path / "c.xlsx")) is None


def test_quoted_newlines_and_separators(tmp_path: Path) -> None:
    source = pd.DataFrame({"text": ["two\nlines", "a,b", 'say "hi"'], "n": [1, 2, 3]})
    path = tmp_path / "quoted.csv"
    path.write_bytes(_csv(source))
    assert_same_table(load_dataset(str(path), "designer"), source)


def test_empty_header_name_becomes_unnamed(tmp_path: Path, reference: pd.DataFrame) -> None:
    path = tmp_path / "with_index.csv"
    reference.to_csv(path)  # pandas writes the index under an empty name
    loaded = load_dataset(str(path), "designer")
    assert list(loaded.columns) == ["Unnamed: 0", *reference.columns]
    assert list(loaded["Unnamed: 0"]) == list(reference.index)


def test_header_only_file_gives_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b\n")
    loaded = load_dataset(str(path), "designer")
    assert list(loaded.columns) == ["a", "b"] and len(loaded) == 0


def test_text_column_with_many_distinct_values_and_few(tmp_path: Path) -> None:
    """Text becomes Python strings either way (few distinct values share string objects)."""
    rows = 70_000
    source = pd.DataFrame(
        {
            "unique": [f"u{i}" for i in range(rows)],
            "few": [None if i % 7 == 0 else ("x", "y", "z")[i % 3] for i in range(rows)],
        }
    )
    path = tmp_path / "text.parquet"
    source.to_parquet(path)
    loaded = load_dataset(str(path), "designer")
    assert_same_table(loaded, source)
    assert all(type(v) is str for v in loaded["few"].dropna())


@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(["a", "b", "ç", ""]), st.text()), max_size=60
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=4),
)
def test_python_strings_match_arrow_values(values: list[str | None], cuts: list[int]) -> None:
    """Shared or not, the strings and Nones are the column's values, across chunk borders."""
    bounds = sorted({0, len(values), *(c for c in cuts if c <= len(values))})
    chunks = [pa.array(values[a:b], type=pa.string()) for a, b in itertools.pairwise(bounds)]
    column = pa.chunked_array(chunks, type=pa.string())
    converted = python_strings(column)
    assert converted.dtype == object and list(converted) == values


def test_semicolon_csv_from_excel(tmp_path: Path) -> None:
    source = pd.DataFrame({"name": ["ann", "bob"], "amount": [1.5, 2.0]})
    path = tmp_path / "excel.csv"
    path.write_bytes(source.to_csv(index=False, sep=";").encode("utf-8"))
    assert_same_table(load_dataset(str(path), "designer"), source)
