"""Reading plumbing: input streams over (compressed) files and throttled progress reports."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from azml_lsp.runtime.inputs import PROGRESS_INTERVAL_S, Progress


class Reporter:
    """Calls ``progress(done, total)`` at most every :data:`PROGRESS_INTERVAL_S`, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.progress is not None and now - self.last >= PROGRESS_INTERVAL_S:
            self.last = now
            self.progress(min(done, self.total), self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


@contextlib.contextmanager
def open_stream(path: str, compression: str | None) -> Iterator[tuple[Any, Any]]:
    """A pyarrow input stream over ``path``, decompressed, and the raw file (its ``tell()`` is
    the bytes read so far)."""
    raw = pa.OSFile(path)
    stream = raw if compression is None else pa.CompressedInputStream(raw, compression)
    try:
        yield stream, raw
    finally:
        stream.close()
        raw.close()


def read_batches(reader: Any, raw: Any, reporter: Reporter) -> pa.Table:
    """Drain a streaming reader (bounded memory, unlike whole-file reads), reporting progress."""
    batches = []
    for batch in reader:
        batches.append(batch)
        reporter.update(raw.tell())
    return pa.Table.from_batches(batches, schema=reader.schema)


@contextlib.contextmanager
def polling(reporter: Reporter, raw: Any) -> Iterator[None]:
    """While a whole-file read blocks this thread, a poller thread reports ``raw.tell()``
    (the readers release the GIL); it is stopped before the body's caller goes on."""
    if reporter.progress is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(PROGRESS_INTERVAL_S):
            reporter.update(raw.tell())

    poller = threading.Thread(target=poll, name="azml-read-progress", daemon=True)
    poller.start()
    try:
        yield
    finally:
        stop.set()
        poller.join()
