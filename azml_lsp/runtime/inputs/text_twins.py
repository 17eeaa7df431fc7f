"""Text columns keep the Arrow array they were read from, so a column the script returns as it
received it is written from that array instead of being converted back from Python strings.

A script receives text as Python ``str`` objects (the contract). Converting a million of them
back to Arrow for the CSV writer costs about as much as reading them. When a returned column
holds the very same objects, in the same order, as a column that was read, its Arrow array is
the same text. "The very same objects" is checked by address against a copy of the column taken
when it was read: the copy holds a reference to every object, so no address can be reused by a
different value while the run lasts. Runs in the child only; one :class:`TextTwins` per run.
"""

from __future__ import annotations

import ctypes

import numpy as np
import pyarrow as pa

#: Columns shorter than this are converted: the saving would not pay for the copy.
MIN_ROWS = 10_000


class TextTwins:
    """The Arrow arrays of one run's text input columns, found by their Python values."""

    def __init__(self) -> None:
        self._kept: list[tuple[np.ndarray, pa.ChunkedArray]] = []

    def remember(self, values: np.ndarray, arrow: pa.ChunkedArray) -> None:
        """``values`` (an object array of ``str`` and ``None``) was made from ``arrow``."""
        if len(values) >= MIN_ROWS:
            self._kept.append((values.copy(), arrow))

    def find(self, values: np.ndarray) -> pa.ChunkedArray | None:
        """The Arrow array of a remembered column whose objects ``values`` holds, in order."""
        if values.dtype != object or values.ndim != 1:
            return None
        for kept, arrow in self._kept:
            if len(kept) == len(values) and _same_objects(kept, values):
                return arrow
        return None


def _same_objects(first: np.ndarray, second: np.ndarray) -> bool:
    """Both object arrays hold the same objects at every position (compared by address)."""
    first, second = np.ascontiguousarray(first), np.ascontiguousarray(second)
    return bool(np.array_equal(_addresses(first), _addresses(second)))


def _addresses(values: np.ndarray) -> np.ndarray:
    """The object addresses a contiguous object array stores, as integers (a view: keep
    ``values`` alive while it is used)."""
    cells = (ctypes.c_size_t * len(values)).from_address(values.ctypes.data)
    return np.ctypeslib.as_array(cells)
