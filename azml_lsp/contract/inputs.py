"""How input datasets look to the script (CONTRACT.md section 2)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.profile import PROFILES

if TYPE_CHECKING:
    import pandas as pd


def prepare_input_frame(
    dialect: Dialect, frame: pd.DataFrame, text_ready: Collection[int] = ()
) -> pd.DataFrame:
    """Give a loaded table the dialect's index and missing-value conventions.

    Missing numbers are NaN, missing text is ``None`` in an object column, missing datetimes are
    NaT (S2; S13). classic gives every frame an int64 index 0..n-1; the designer a RangeIndex.
    ``text_ready``: positions of object columns the reader already made ``str`` and ``None``
    (not scanned again).
    """
    import numpy as np
    import pandas as pd

    frame = frame.reset_index(drop=True)
    for position, dtype in enumerate(frame.dtypes):
        if position in text_ready and getattr(dtype, "kind", "") == "O":
            continue
        if not (isinstance(dtype, pd.StringDtype) or getattr(dtype, "kind", "") == "O"):
            continue
        values = frame.iloc[:, position].to_numpy(dtype=object)
        missing = pd.isna(values)
        if missing.any():
            values = values.copy()
            values[missing] = None
        elif getattr(dtype, "kind", "") == "O":
            continue
        frame.isetitem(position, pd.Series(values, index=frame.index, dtype=object))  # type: ignore[arg-type]
    if PROFILES[dialect].default_index == "int64":
        frame.index = pd.Index(np.arange(len(frame), dtype=np.int64))
    return frame
