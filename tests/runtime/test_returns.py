"""CONTRACT.md section 3: what azureml_main returns and what lands on the output ports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime.conftest import Runner, output_frame

FRAME = "pd.DataFrame({'a': [1, 2], 'b': ['x', None]})"


def _script(expression: str) -> str:
    return f"""
import numpy as np
import pandas as pd

def azureml_main(dataframe1=None, dataframe2=None):
    return {expression}
"""


def _ports(result) -> dict[int, tuple[int, list[str]]]:
    return {o.port: (o.rows, o.columns) for o in result.outputs}


@pytest.mark.parametrize(
    ("expression", "ports"),
    [
        ("None", {}),
        (f"{FRAME}, {FRAME}[['a']]", {1: (2, ["a", "b"]), 2: (2, ["a"])}),
        (f"{FRAME}, {FRAME}, {FRAME}", {1: (2, ["a", "b"]), 2: (2, ["a", "b"])}),
        (f"{FRAME},", {1: (2, ["a", "b"])}),
        (f"None, {FRAME}", {2: (2, ["a", "b"])}),
        (FRAME, {1: (2, ["a", "b"])}),
        ("np.arange(3)", {1: (3, ["column"])}),
        ("np.ones((2, 3))", {1: (2, ["column_0", "column_1", "column_2"])}),
        ("np.ones((2, 1))", {1: (2, ["column"])}),
        ("{'x': [1, 2, 3]}", {1: (3, ["x"])}),
        ("pd.Series([1, 2], name='s')", {1: (2, ["s"])}),
        ("pd.Series([1, 2])", {1: (2, ["column"])}),
        ("[1, 2, 3]", {1: (3, ["column"])}),
        ("42", {1: (1, ["column"])}),
        ("'text'", {1: (1, ["column"])}),
    ],
)
def test_designer_return_table(run_script: Runner, expression: str, ports: dict) -> None:
    result = run_script(_script(expression), dialect="designer")
    assert result.ok, result.error
    assert _ports(result) == ports


def test_designer_extra_tuple_items_are_ignored_with_a_warning(run_script: Runner) -> None:
    result = run_script(_script(f"{FRAME}, {FRAME}, {FRAME}"), dialect="designer")
    assert any("only the first 2" in w for w in result.warnings)


def test_designer_empty_tuple_is_index_error(run_script: Runner) -> None:
    result = run_script(_script("()"), dialect="designer")
    assert result.error is not None
    assert (result.error.code, result.error.exception) == (85, "IndexError")
    assert (
        "Got exception when invoking script: 'IndexError: tuple index out of range'."
        in result.error.message
    )


def test_designer_list_of_frames_is_not_unpacked(run_script: Runner) -> None:
    result = run_script(_script(f"[{FRAME}, {FRAME}]"), dialect="designer")
    assert result.error is not None and result.error.exception == "TypeError"
    assert (
        "Unsupported return type. Failed to convert return value from type <class 'list'> "
        "to type pd.DataFrame." in result.error.message
    )


CLASSIC_SEQUENCES = {
    "tuple": f"({FRAME},)",
    "list": f"[{FRAME}]",
    "ndarray": f"np.array([{FRAME}, None], dtype=object)[:1]",
}


@pytest.mark.parametrize("kind", sorted(CLASSIC_SEQUENCES))
def test_classic_sequence_first_element_is_the_result(run_script: Runner, kind: str) -> None:
    result = run_script(_script(CLASSIC_SEQUENCES[kind]), dialect="classic")
    assert result.ok, result.error
    assert _ports(result) == {1: (2, ["a", "b"])}
    assert not result.warnings


def test_classic_bare_dataframe_is_accepted_with_a_warning(run_script: Runner) -> None:
    result = run_script(_script(FRAME), dialect="classic")
    assert result.ok
    assert _ports(result) == {1: (2, ["a", "b"])}
    assert any("bare DataFrame" in w for w in result.warnings)


@pytest.mark.parametrize("expression", ["None", "()", "'text'", "(42,)", "{'x': [1]}"])
def test_classic_other_shapes_fail_with_what_the_cloud_expects(
    run_script: Runner, expression: str
) -> None:
    result = run_script(_script(expression), dialect="classic")
    assert result.error is not None and result.error.code == 85
    assert "first element is a pandas.DataFrame" in result.error.message


def test_classic_extra_items_are_ignored_with_a_warning(run_script: Runner) -> None:
    result = run_script(_script(f"{FRAME}, {FRAME}"), dialect="classic")
    assert _ports(result) == {1: (2, ["a", "b"])}
    assert any("only the first 1" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("dialect", "names"),
    [
        ("designer", ["a", "a_0", "a_1", "1", "1_0"]),
        ("classic", ["a", "a (2)", "a (3)", "1", "1 (2)"]),
    ],
)
def test_column_names_are_text_and_unique(
    run_script: Runner, dialect: str, names: list[str]
) -> None:
    frame = "pd.DataFrame([[1, 2, 3, 4, 5]], columns=['a', 'a', 'a', 1, '1'])"
    result = run_script(_script(f"{frame},"), dialect=dialect)
    assert result.ok, result.error
    assert result.outputs[0].columns == names
    assert list(output_frame(result).columns) == names


def test_index_classic_drops_designer_keeps_a_non_default_one(run_script: Runner) -> None:
    frame = "pd.DataFrame({'v': [1, 2]}, index=pd.Index(['p', 'q'], name='key'))"
    classic = run_script(_script(f"{frame},"), dialect="classic")
    designer = run_script(_script(f"{frame},"), dialect="designer")
    assert classic.outputs[0].columns == ["v"]
    assert designer.outputs[0].columns == ["key", "v"]
    assert output_frame(designer)["key"].tolist() == ["p", "q"]


def test_missing_values_are_written_as_missing(run_script: Runner, tmp_path: Path) -> None:
    frame = "pd.DataFrame({'n': [1.0, np.nan], 's': ['x', None], 't': pd.to_datetime(['2020-01-01', None])})"
    result = run_script(_script(f"{frame},"))
    lines = Path(result.outputs[0].path).read_text().splitlines()
    assert lines[0] == "n,s,t"
    assert lines[2] == ",,"
