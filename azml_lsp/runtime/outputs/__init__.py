"""Writing a run's outputs: result tables, their previews, the collected images, stale files.

Runs in the child. Every file is written atomically (:mod:`azml_lsp.atomic`); the file
names come from :mod:`azml_lsp.runtime.outputs.layout`. CSV and Parquet formatting is described in
:mod:`azml_lsp.runtime.outputs.tables`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from azml_lsp import atomic
from azml_lsp.contract.errors import ERROR_0018_MESSAGE, ErrorCode
from azml_lsp.contract.profile import BUNDLE_DIR_NAME
from azml_lsp.runtime.outputs.layout import images_dir, table_paths

if TYPE_CHECKING:
    import pandas as pd

    from azml_lsp.runtime.inputs.text_twins import TextTwins

PREVIEW_TEXT_MAX = 200
"""Longer text values are cut in previews (the written table keeps them whole)."""


class OutputError(Exception):
    """A result table that cannot be written (module error 0018): why, and what to do."""

    code = ErrorCode.OUTPUT_INVALID

    def __init__(self, reason: str, hint: str, column: str | None = None) -> None:
        self.reason = reason
        self.hint = hint
        self.column = column
        super().__init__(f"{ERROR_0018_MESSAGE.format(reason=reason)}. {hint}")


def write_table(
    frame: pd.DataFrame,
    path: Path,
    fmt: Literal["csv", "parquet"],
    twins: TextTwins | None = None,
) -> None:
    """Write ``frame`` (already through the contract's ``finalize_table``) to ``path``; CSV
    writes a text column returned unchanged from its Arrow twin in ``twins``.

    Atomic: the previous file stays until the new one is complete. Raises :class:`OutputError`.
    """
    from azml_lsp.runtime.outputs import tables as table_writer

    path = Path(path)
    try:
        if fmt == "csv":
            table = table_writer.csv_table(frame, twins)
        elif fmt == "parquet":
            table = table_writer.parquet_table(frame)
        else:
            raise OutputError(f"unknown format {fmt!r}", "use csv or parquet")
        with atomic.atomic_path(path) as temp:
            if fmt == "csv":
                table_writer.write_csv(table, temp)
            else:
                table_writer.write_parquet(table, temp)
    except table_writer.UnwritableColumn as exc:
        if not exc.column:
            raise OutputError(f"cannot write {fmt}: {exc.reason}", CHECK_TYPES_HINT) from None
        column = exc.column
        raise OutputError(
            f"column {column!r} cannot be stored in Parquet ({exc.reason})",
            f"give the column one type, e.g. df[{column!r}] = df[{column!r}].astype(str), "
            "or write CSV (--format csv)",
            column=column,
        ) from None
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}",
            "check the free space and the permissions of the output folder",
        ) from None


CHECK_TYPES_HINT = "check the types of the returned table's columns, or write CSV (--format csv)"


def preview(frame: pd.DataFrame, rows: int = 10) -> tuple[list[str], list[list[Any]]]:
    """The column dtypes as text, and the first ``rows`` rows as JSON-safe values."""
    dtypes = [str(dtype) for dtype in frame.dtypes]
    head = frame.iloc[:rows]
    columns = [head.iloc[:, i].array for i in range(head.shape[1])]
    return dtypes, [[json_safe(column[r]) for column in columns] for r in range(len(head))]


def json_safe(value: Any) -> Any:
    """A cell as JSON: missing -> None, numpy scalars -> Python, times -> ISO text, bytes ->
    ``repr``, non-finite floats and other objects -> text."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64 | np.timedelta64):
            value = pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
            return None if value is pd.NaT else json_safe(value)
        value = value.item()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if len(value) <= PREVIEW_TEXT_MAX else value[:PREVIEW_TEXT_MAX] + "…"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return json_safe(repr(bytes(value)))
    return json_safe(str(value))


def collect_images(workdir: Path, dest: Path) -> list[str]:
    """Copy every ``*.png`` under ``workdir`` (the Script Bundle folder and symbolic links
    skipped) into ``dest`` in creation order (the modification time where the system keeps no
    creation time), then by name; returns the copies' absolute paths.

    A PNG in a subfolder is named after its relative path (``plots/a.png`` -> ``plots_a.png``).
    """
    workdir, dest = Path(workdir), Path(dest)
    found: list[tuple[int, str, Path]] = []
    for folder, subfolders, files in os.walk(workdir):
        if Path(folder) == workdir and BUNDLE_DIR_NAME in subfolders:
            subfolders.remove(BUNDLE_DIR_NAME)
        subfolders.sort()
        for name in files:
            path = Path(folder) / name
            if name.lower().endswith(".png") and not path.is_symlink():
                relative = path.relative_to(workdir).as_posix()
                found.append((_created_ns(path), relative, path))
    if not found:
        return []
    dest.mkdir(parents=True, exist_ok=True)
    copies: list[str] = []
    taken: set[str] = set()
    for _, relative, path in sorted(found):
        target = dest / _unique_name(relative.replace("/", "_"), taken)
        with atomic.atomic_path(target) as temp:
            shutil.copyfile(path, temp)
        copies.append(str(target.resolve()))
    return copies


def _created_ns(path: Path) -> int:
    status = path.stat()
    return int(getattr(status, "st_birthtime", 0) * 1e9) or status.st_mtime_ns


def _unique_name(name: str, taken: set[str]) -> str:
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{stem}-{n}{suffix}", n + 1
    taken.add(candidate.lower())
    return candidate


def remove_stale(out_dir: Path, keep: set[Path]) -> None:
    """Remove result tables and ``python_device`` PNGs an earlier run wrote and this one did
    not (``keep``), and temp files of interrupted atomic writes."""
    out_dir = Path(out_dir)
    kept = {Path(p).resolve() for p in keep}
    candidates = [p for p in table_paths(out_dir) if p.exists()]
    images = images_dir(out_dir)
    if images.is_dir():
        candidates += [p for p in images.iterdir() if p.suffix.lower() == ".png"]
    for folder in (out_dir, images):
        if folder.is_dir():
            candidates += [p for p in folder.iterdir() if atomic.is_partial(p)]
    for path in candidates:
        if path.resolve() not in kept and (path.is_file() or path.is_symlink()):
            path.unlink(missing_ok=True)
