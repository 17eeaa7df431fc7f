"""Input datasets: from local files to the DataFrames ``azureml_main`` receives.

Supported files (the suffix decides, case-insensitive):

- ``.csv``, ``.tsv`` / ``.tab``: a header row, then rows; comma or tab separated (a ``.csv``
  whose header has semicolons and no comma is read with ``;``), quoted fields may hold
  separators and newlines. UTF-8 (with or without a BOM) or UTF-16/UTF-32 with a BOM. Also
  compressed: ``.csv.gz``, ``.csv.bz2``, ``.tsv.gz``, ``.tsv.bz2``.
- ``.parquet`` / ``.pq`` and ``.feather`` / ``.arrow`` (Arrow IPC file): flat tables only; a
  struct, list, map or union column is refused (Azure ML datasets are flat: flatten it first).
- ``.jsonl`` / ``.ndjson`` (also ``.gz``/``.bz2``): one JSON object per line, keys are columns.
- ``.json``: a list of objects (records), ``{"columns": [...], "data": [[...], ...]}`` (pandas
  ``split``), ``{"schema": ..., "data": [...]}`` (pandas ``table``), or an object of equal-length
  lists (columns).

Missing values: empty fields and the tokens of :data:`MISSING_TOKENS` (pandas' defaults), JSON
``null``; the contract's :func:`~azml_lsp.contract.inputs.prepare_input_frame` then gives them
their dialect form. Column names must be unique; an empty header name becomes ``Unnamed: <i>``
as pandas names it. A column whose text values cannot all be numbers, dates or booleans is text.

Files are read by pyarrow with all cores; text files over 512 MiB are read in blocks instead
(bounded memory). Text columns become Python strings; a column with few distinct values shares
one string object per value.

This module imports neither pandas nor pyarrow until a file is loaded: :func:`check_readable`
is the parent's cheap pre-flight check.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from azml_lsp.contract.dialects import Dialect

if TYPE_CHECKING:
    import pandas as pd

    from azml_lsp.runtime.inputs.text_twins import TextTwins

Progress = Callable[[int, int], None]

FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "csv": (".csv",),
    "tsv": (".tsv", ".tab"),
    "parquet": (".parquet", ".pq"),
    "feather": (".feather", ".arrow"),
    "jsonl": (".jsonl", ".ndjson"),
    "json": (".json",),
}
COMPRESSIONS: Final[dict[str, str]] = {".gz": "gzip", ".bz2": "bz2"}
"""Compressed variants, for the text formats that stream (CSV, TSV, JSON lines)."""
STREAMED_FORMATS: Final[tuple[str, ...]] = ("csv", "tsv", "jsonl")

SUPPORTED_INPUT_SUFFIXES: Final[dict[str, str]] = {
    **{suffix: fmt for fmt, suffixes in FORMATS.items() for suffix in suffixes},
    **{
        suffix + packed: fmt
        for fmt in STREAMED_FORMATS
        for suffix in FORMATS[fmt]
        for packed in COMPRESSIONS
    },
}
"""File suffix -> format name (``csv``, ``tsv``, ``parquet``, ``feather``, ``jsonl``, ``json``)."""

MISSING_TOKENS: Final[tuple[str, ...]] = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)
"""Text fields read as missing values (the defaults of ``pandas.read_csv``)."""

PROGRESS_MIN_BYTES: Final[int] = 8 * 1024 * 1024
"""Files larger than this report reading progress."""
PROGRESS_INTERVAL_S: Final[float] = 0.05
TWINS_MAX_BYTES: Final[int] = 512 * 1024 * 1024
"""Larger files keep no Arrow twins of their text columns (see :mod:`.text_twins`)."""

UTF8_HINT = (
    "re-save the file as UTF-8 (in Excel: Save As > 'CSV UTF-8'; in other tools choose the "
    "UTF-8 encoding)"
)


class InputError(Exception):
    """An input file that cannot be loaded: which file, line and column, and what to do."""

    def __init__(
        self,
        path: str,
        message: str,
        hint: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}. {self.hint}"


def too_big_message(path: str, read_bytes: int, memory_mb: int | None) -> str:
    """The refusal of an input that does not fit in the run's memory cap: the file, how much of
    it was read, the cap, and what to do."""
    size = _size_text(os.path.getsize(path))
    done = f"read {_size_text(read_bytes)} of {size}" if read_bytes else f"the file is {size}"
    cap = f"the memory cap of {memory_mb} MB" if memory_mb else "the memory available"
    return (
        f"{path}: the table does not fit in {cap} ({done}). Raise --memory-mb "
        "(a text-heavy table needs a few times its file size), or pass a sample of the file"
    )


OUT_OF_MEMORY_SIGNS: Final[tuple[str, ...]] = (
    "Out of memory",
    "Failed to launch worker thread",
    "Unknown error: Wrapping",
)
"""How Arrow words reaching the memory cap when it does not raise ``MemoryError``: an
allocation, a reader thread's stack, or a Python string for a text value failed."""


def out_of_memory(exc: BaseException) -> bool:
    """``exc`` means the memory cap was reached while loading a file."""
    text = str(exc)
    return isinstance(exc, MemoryError) or any(sign in text for sign in OUT_OF_MEMORY_SIGNS)


def _size_text(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def input_format(path: str) -> tuple[str, str | None] | None:
    """The format and compression of ``path`` from its suffix, or None when unsupported."""
    name = os.path.basename(path).lower()
    for suffix in sorted(SUPPORTED_INPUT_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            packed = os.path.splitext(suffix)[1]
            return SUPPORTED_INPUT_SUFFIXES[suffix], COMPRESSIONS.get(packed)
    return None


def supported_suffixes_text() -> str:
    """The plain suffixes, for messages: ``.csv, .tsv, ...``."""
    return ", ".join(s for suffixes in FORMATS.values() for s in suffixes)


def check_readable(path: str) -> None:
    """Cheap pre-flight: the file exists, is a file, has a supported suffix, is not empty and
    can be opened. Raises :class:`InputError`."""
    if not os.path.exists(path):
        raise InputError(path, "file not found", "check the path (relative paths start from here)")
    if os.path.isdir(path):
        raise InputError(
            path, "this is a folder, not a data file", f"give a file ({supported_suffixes_text()})"
        )
    if input_format(path) is None:
        suffix = os.path.splitext(path)[1] or "(none)"
        raise InputError(
            path,
            f"unsupported file type {suffix}",
            f"use one of {supported_suffixes_text()} (save spreadsheets as CSV UTF-8)",
        )
    if os.path.getsize(path) == 0:
        raise InputError(
            path, "the file is empty (0 bytes)", "a dataset needs at least a header row"
        )
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise InputError(
            path, f"cannot be read: {exc.strerror}", "check the file's permissions"
        ) from None


def load_dataset(
    path: str,
    dialect: Dialect | str,
    *,
    progress: Progress | None = None,
    twins: TextTwins | None = None,
) -> pd.DataFrame:
    """Load ``path`` into a DataFrame as the module passes it to ``azureml_main``.

    ``twins`` keeps the Arrow arrays of its text columns, for writing them back unchanged
    (not for files over :data:`TWINS_MAX_BYTES`: their memory goes to the data).

    ``progress(done_bytes, total_bytes)`` is called while files over
    :data:`PROGRESS_MIN_BYTES` are read, at most about 20 times a second, possibly from a
    reader thread (never two calls at once), and ``(total, total)`` at the end.
    """
    from azml_lsp.contract.inputs import prepare_input_frame
    from azml_lsp.runtime.inputs.readers import read_frame, release_memory

    check_readable(path)
    found = input_format(path)
    assert found is not None
    fmt, compression = found
    size = os.path.getsize(path)
    report = progress if progress is not None and size > PROGRESS_MIN_BYTES else None
    keep = twins if size <= TWINS_MAX_BYTES else None
    loaded = read_frame(path, fmt, compression, report, keep)
    frame = prepare_input_frame(Dialect.parse(dialect), loaded.frame, text_ready=loaded.text_ready)
    release_memory()
    return frame
