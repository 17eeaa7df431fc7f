"""examples/scatter_matrix: a classic script saving a PNG that lands on the Python Device port."""

from __future__ import annotations

import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.examples.conftest import EXAMPLES_DIR, ExampleRun, read_csv

FOLDER = EXAMPLES_DIR / "scatter_matrix"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; fails unless the file is a PNG."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_plot_is_collected_as_a_valid_png(run_example: Callable[[str], ExampleRun]) -> None:
    run = run_example("scatter_matrix")
    images = [Path(p) for p in run.result["images"]]
    assert len(images) == 1
    assert images[0].name.endswith(".png")
    assert images[0].is_file()
    assert images[0].is_relative_to(run.out_dir)
    width, height = png_size(images[0])
    assert width > 100 and height > 100


def test_returns_the_input_unchanged(run_example: Callable[[str], ExampleRun]) -> None:
    run = run_example("scatter_matrix")
    source = read_csv(FOLDER / "measurements.csv")
    output = run.output(1)
    assert output["columns"] == list(source[0])
    assert output["rows"] == len(source)
    rows = run.rows(1)
    assert [float(r["petal_length"]) for r in rows] == [float(r["petal_length"]) for r in source]


def test_the_data_file_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    target = tmp_path / "measurements.csv"
    subprocess.run(
        [sys.executable, str(FOLDER / "make_data.py"), str(target)], check=True, timeout=60
    )
    assert target.read_bytes() == (FOLDER / "measurements.csv").read_bytes()
