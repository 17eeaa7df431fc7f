"""What ``azureml_main`` may return and how it becomes result tables (CONTRACT.md section 3).

The rules are data (:data:`RETURN_RULES`) read by the checker, and functions that apply them to a
live value, used by the runtime. pandas and numpy are imported only when a live value is handled.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from azml_lsp.contract.columns import output_column_names
from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.entrypoint import ENTRY_POINT

if TYPE_CHECKING:
    import pandas as pd


class Outcome(enum.StrEnum):
    """What happens to a returned shape."""

    OK = "ok"
    WARN = "warn"
    EMPTY = "empty"
    ERROR = "error"


@dataclass(frozen=True)
class ReturnRules:
    """One dialect's return contract, as data."""

    unpacked: tuple[str, ...]
    """Container types whose items go to the output ports (``tuple``; classic also ``list`` and
    ``ndarray``). Any other value is one value for port 1."""
    table_ports: int
    """How many items of an unpacked sequence become result tables."""
    bare_dataframe: Outcome
    none: Outcome
    empty_sequence: Outcome
    converts_other_values: bool
    """designer converts dicts, arrays, Series and scalars into a table; classic needs a DataFrame."""
    extra_items: Outcome
    """Items past ``table_ports``: ignored (designer silently; we warn) or ignored with a warning."""


RETURN_RULES: dict[Dialect, ReturnRules] = {
    Dialect.CLASSIC: ReturnRules(
        unpacked=("tuple", "list", "ndarray"),
        table_ports=1,
        bare_dataframe=Outcome.WARN,
        none=Outcome.ERROR,
        empty_sequence=Outcome.ERROR,
        converts_other_values=False,
        extra_items=Outcome.WARN,
    ),
    Dialect.DESIGNER: ReturnRules(
        unpacked=("tuple",),
        table_ports=2,
        bare_dataframe=Outcome.OK,
        none=Outcome.EMPTY,
        empty_sequence=Outcome.ERROR,
        converts_other_values=True,
        extra_items=Outcome.WARN,
    ),
}

CLASSIC_SHAPE_HINT = (
    "Studio (classic) expects a sequence whose first element is a pandas.DataFrame, "
    "for example `return dataframe1,`"
)
BARE_DATAFRAME_WARNING = (
    f"{ENTRY_POINT} returned a bare DataFrame: Studio (classic) documents a sequence "
    "(`return df,`); the cloud accepted it, but wrap it in a tuple to be safe"
)


class ReturnContractError(Exception):
    """The returned value breaks the contract; ``exception_class`` is what the cloud would raise."""

    def __init__(self, exception_class: str, message: str) -> None:
        super().__init__(message)
        self.exception_class = exception_class
        self.message = message


@dataclass
class PortValues:
    """The value for each output table port (None: empty table) and warnings to show the user."""

    values: list[Any]
    warnings: list[str] = field(default_factory=list)


def _container_name(value: Any) -> str | None:
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, list):
        return "list"
    if type(value).__module__ == "numpy" and type(value).__name__ == "ndarray":
        return "ndarray"
    return None


def split_return(dialect: Dialect, value: Any) -> PortValues:
    """Spread a returned value over the output table ports, per dialect."""
    import pandas as pd

    rules = RETURN_RULES[dialect]
    out = PortValues(values=[None] * rules.table_ports)
    container = _container_name(value)
    if value is None:
        if rules.none is Outcome.ERROR:
            raise ReturnContractError(
                "TypeError", f"{ENTRY_POINT} returned None. {CLASSIC_SHAPE_HINT}"
            )
        return out
    if container not in rules.unpacked:
        if isinstance(value, pd.DataFrame) and rules.bare_dataframe is Outcome.WARN:
            out.warnings.append(BARE_DATAFRAME_WARNING)
        elif not isinstance(value, pd.DataFrame) and not rules.converts_other_values:
            raise ReturnContractError(
                "TypeError",
                f"{ENTRY_POINT} returned {type(value)}. {CLASSIC_SHAPE_HINT}",
            )
        out.values[0] = value
        return out
    items = list(value)
    if not items:
        if dialect is Dialect.CLASSIC:
            raise ReturnContractError(
                "IndexError", f"{ENTRY_POINT} returned an empty {container}. {CLASSIC_SHAPE_HINT}"
            )
        raise ReturnContractError("IndexError", "tuple index out of range")
    if len(items) > rules.table_ports:
        out.warnings.append(
            f"{ENTRY_POINT} returned {len(items)} items; only the first {rules.table_ports} "
            f"become result tables ({dialect.value}), the rest are ignored"
        )
    for port, item in enumerate(items[: rules.table_ports]):
        if not rules.converts_other_values and not isinstance(item, pd.DataFrame):
            raise ReturnContractError(
                "TypeError",
                f"the first element returned by {ENTRY_POINT} is {type(item)}. {CLASSIC_SHAPE_HINT}",
            )
        out.values[port] = item
    return out


def _unsupported(value: Any) -> ReturnContractError:
    return ReturnContractError(
        "TypeError",
        "Unsupported return type. Failed to convert return value from type "
        f"{type(value)} to type pd.DataFrame.",
    )


def to_dataframe(value: Any) -> pd.DataFrame:
    """Convert one returned value into a table, as the designer does (classic values are frames)."""
    import numpy as np
    import pandas as pd

    try:
        if isinstance(value, pd.DataFrame):
            frame = value
        elif isinstance(value, dict):
            frame = pd.DataFrame(value)
        elif isinstance(value, np.ndarray):
            frame = _array_frame(value)
        elif isinstance(value, pd.Series):
            frame = pd.DataFrame({value.name if value.name is not None else "column": value})
        elif isinstance(value, list | tuple):
            frame = pd.DataFrame({"column": list(value)})
        else:
            frame = pd.DataFrame({"column": [value]})
    except (ValueError, TypeError) as exc:
        raise _unsupported(value) from exc
    if _holds_tables(frame):
        raise _unsupported(value)
    return frame


def _array_frame(array: Any) -> pd.DataFrame:
    import pandas as pd

    if array.ndim == 1:
        return pd.DataFrame({"column": array})
    if array.ndim == 2:
        if array.shape[1] == 1:
            return pd.DataFrame({"column": array[:, 0]})
        return pd.DataFrame(array, columns=[f"column_{i}" for i in range(array.shape[1])])
    raise ValueError(f"cannot convert a {array.ndim}-D array")


def _holds_tables(frame: pd.DataFrame) -> bool:
    """True when a cell holds a DataFrame or Series (a list of frames is not a table)."""
    import pandas as pd

    for position, dtype in enumerate(frame.dtypes):
        if getattr(dtype, "kind", "") != "O":
            continue
        column = frame.iloc[:100, position]
        if any(isinstance(v, pd.DataFrame | pd.Series) for v in column):
            return True
    return False


def finalize_table(dialect: Dialect, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the output rules: names through ``str()`` and de-duplicated; classic drops the index,
    the designer keeps a non-default one (written as leading columns)."""
    import pandas as pd

    out = frame.copy(deep=False)
    if dialect is Dialect.CLASSIC or _is_default_index(out.index):
        out = out.reset_index(drop=True)
    else:
        out = out.reset_index()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(p) for p in parts if str(p)) for parts in out.columns]
    out.columns = output_column_names(dialect, out.columns)
    return out


def _is_default_index(index: Any) -> bool:
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return index.start == 0 and index.step == 1 and index.name is None
    return False


def result_tables(dialect: Dialect, value: Any) -> tuple[list[pd.DataFrame | None], list[str]]:
    """What ``azureml_main`` returned, spread over the output ports and finished as result
    tables (None: an empty port), with the warnings; raises :class:`ReturnContractError`."""
    ports = split_return(dialect, value)
    tables = [None if v is None else finalize_table(dialect, to_dataframe(v)) for v in ports.values]
    return tables, list(ports.warnings)
