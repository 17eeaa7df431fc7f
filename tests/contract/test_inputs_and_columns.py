"""The contract's input conventions and column-name rules, on real pandas frames."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from azml_lsp.contract import Dialect, output_column_names
from azml_lsp.contract.inputs import prepare_input_frame

CSV = "text,number,when\nx,1,2020-01-01\n,,\n"


@pytest.mark.parametrize("dialect", list(Dialect))
def test_missing_values_are_none_nan_and_nat(dialect: Dialect) -> None:
    frame = prepare_input_frame(dialect, pd.read_csv(io.StringIO(CSV), parse_dates=["when"]))
    assert frame["text"].dtype == object
    assert frame["text"].tolist() == ["x", None]
    assert pd.isna(frame.loc[1, "number"]) and frame.loc[1, "number"] is not None
    assert frame.loc[1, "when"] is pd.NaT


def test_text_the_reader_made_ready_is_passed_as_it_is() -> None:
    """A reader that already made a column ``str``/``None`` says so, and saves the scan; an
    object column it did not name is still given ``None`` for its missing values."""
    source = pd.DataFrame(
        {"ready": pd.Series(["a", None], dtype=object), "raw": pd.Series(["b", float("nan")])}
    )
    frame = prepare_input_frame(Dialect.DESIGNER, source, text_ready={0})
    assert frame["ready"].tolist() == ["a", None]
    assert frame["raw"].tolist() == ["b", None]


def test_classic_index_is_int64_designer_a_range() -> None:
    source = pd.read_csv(io.StringIO(CSV)).set_index("number")
    classic = prepare_input_frame(Dialect.CLASSIC, source)
    designer = prepare_input_frame(Dialect.DESIGNER, source)
    assert classic.index.dtype == "int64" and list(classic.index) == [0, 1]
    assert not isinstance(classic.index, pd.RangeIndex)
    assert isinstance(designer.index, pd.RangeIndex)


@pytest.mark.parametrize(
    ("dialect", "names", "expected"),
    [
        (Dialect.DESIGNER, ["a", "a", "a"], ["a", "a_0", "a_1"]),
        (Dialect.DESIGNER, [1, "1"], ["1", "1_0"]),
        (Dialect.DESIGNER, ["a", "a", "a_0"], ["a", "a_0", "a_0_0"]),
        (Dialect.CLASSIC, ["a", "a", "a"], ["a", "a (2)", "a (3)"]),
        (Dialect.CLASSIC, ["a", "b", "a", "a"], ["a", "b", "a (2)", "a (3)"]),
    ],
)
def test_output_column_names(dialect: Dialect, names: list[object], expected: list[str]) -> None:
    assert output_column_names(dialect, names) == expected
