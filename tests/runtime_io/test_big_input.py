"""Big inputs through the real runtime: they stream with progress, and one that cannot fit in the
memory cap is refused naming the file, never a crash.

``AZML_BIG_INPUT_MB`` sets the size of the streamed file (64 MB here; ``benchmarks/big_input.py``
runs 5 GB)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from azml_lsp.runtime import RunRequest, RunResult, run
from azml_lsp.runtime.model import MIN_MEMORY_MB

BLOCK_ROWS = 200_000
COUNT_ROWS = """
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    return pd.DataFrame({"rows": [len(dataframe1)], "names": [dataframe1["name"].nunique()]}),
"""


def write_big_csv(path: Path, size_bytes: int) -> int:
    """A CSV of at least ``size_bytes``: numbers and unique text in every row. Returns the rows."""
    rows = 0
    with pa_csv.CSVWriter(str(path), _block(0).schema) as writer:
        while path.stat().st_size < size_bytes:
            writer.write_table(_block(rows))
            rows += BLOCK_ROWS
    return rows


def _block(start: int) -> pa.Table:
    ids = pa.array(range(start, start + BLOCK_ROWS), pa.int64())
    text = pc.cast(ids, pa.string())
    return pa.table(
        {
            "id": ids,
            "name": pc.binary_join_element_wise("customer number ", text, ""),
            "score": pc.divide(pc.cast(ids, pa.float64()), 7.0),
            "city": pc.binary_join_element_wise(
                "city ", pc.cast(pc.bit_wise_and(ids, 1023), pa.string()), ""
            ),
        }
    )


def run_big(
    folder: Path, data: Path, memory_mb: int | None
) -> tuple[RunResult, list[dict[str, Any]]]:
    """Run the row-counting script on ``data`` under ``memory_mb``; the result and its progress
    events."""
    script = folder / "count_rows.py"
    script.write_text(textwrap.dedent(COUNT_ROWS).lstrip(), encoding="utf-8")
    events: list[dict[str, Any]] = []
    request = RunRequest(
        script=str(script),
        dataset1=str(data),
        out_dir=str(folder / "out"),
        memory_mb=memory_mb,
        timeout_s=3600,
    )
    result = run(request, on_event=lambda event: events.append(dict(event)))
    return result, [e for e in events if e.get("event") == "progress"]


def test_big_input_streams_with_progress(tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    rows = write_big_csv(data, int(os.environ.get("AZML_BIG_INPUT_MB", "64")) << 20)
    result, progress = run_big(tmp_path, data, memory_mb=None)
    assert result.ok, result.error
    counted = (tmp_path / "out" / "result_dataset.csv").read_text().splitlines()
    assert counted == ["rows,names", f"{rows},{rows}"]
    total = data.stat().st_size
    done = [event["done"] for event in progress]
    assert done and done == sorted(done) and done[-1] == total
    assert {event["total"] for event in progress} == {total}
    assert {event["port"] for event in progress} == {1}


def test_input_beyond_the_memory_cap_is_refused_naming_the_file(tmp_path: Path) -> None:
    """The Arrow table alone is about the size of the file, so a file larger than the cap cannot
    fit: the run ends with an input error that names the file, what was read, and what to do."""
    cap_mb = MIN_MEMORY_MB
    data = tmp_path / "too big.csv"
    write_big_csv(data, (cap_mb + 64) << 20)
    result, progress = run_big(tmp_path, data, memory_mb=cap_mb)
    assert not result.ok and result.error is not None
    assert result.error.kind == "input"
    message = result.error.message
    assert message.startswith(f"{data}: the table does not fit in the memory cap of {cap_mb} MB")
    assert "MB)" in message and "Raise --memory-mb" in message
    assert all(event["done"] < event["total"] for event in progress)
    assert not (tmp_path / "out" / "result_dataset.csv").exists()


def test_a_memory_cap_too_small_to_start_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "small.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    result, _ = run_big(tmp_path, data, memory_mb=MIN_MEMORY_MB - 1)
    assert result.error is not None and result.error.kind == "input"
    assert f"give at least {MIN_MEMORY_MB} MB (--memory-mb)" in result.error.message
