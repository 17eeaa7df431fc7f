"""Names of the files a run writes into its output folder: the one place that decides them.

Imported by the parent (no pandas) and the child alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

OUTPUT_NAMES: Final[dict[str, str]] = {
    "port1": "result_dataset",
    "port2": "result_dataset2",
    "images": "python_device",
    "log": "log.txt",
    "report": "index.html",
}
"""Result tables (``<name>.csv`` or ``<name>.parquet``), the image folder, the log, the report."""

TABLE_FORMATS: Final[tuple[str, ...]] = ("csv", "parquet")


def table_path(out_dir: Path, port: int, fmt: str) -> Path:
    """Where the result table of output ``port`` (1 or 2) is written in format ``fmt``."""
    return out_dir / f"{OUTPUT_NAMES[f'port{port}']}.{fmt}"


def images_dir(out_dir: Path) -> Path:
    """The folder that holds the collected PNGs (the classic "Python Device" port)."""
    return out_dir / OUTPUT_NAMES["images"]


def table_paths(out_dir: Path) -> list[Path]:
    """Every result table path a run may write, in any format."""
    return [table_path(out_dir, port, fmt) for port in (1, 2) for fmt in TABLE_FORMATS]
