"""Legacy scripts behave in their twin as they did in the cloud; expected values worked out by
hand from the inputs below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.runtime.conftest import output_frame
from tests.twins.conftest import TwinRunner

RunIn = Callable[[str], TwinRunner]


@pytest.fixture
def numbers(tmp_path: Path) -> Path:
    """a: 1, 3, 2; b: 10, 20, 30; name: x, (missing), z."""
    path = tmp_path / "numbers.csv"
    path.write_text("a,b,name\n1,10,x\n3,20,\n2,30,z\n", encoding="utf-8")
    return path


@pytest.fixture
def cities(tmp_path: Path) -> Path:
    path = tmp_path / "cities.csv"
    path.write_text("a,city\n1,Oslo\n2,Rome\n", encoding="utf-8")
    return path


PY2_PRINT_AND_DIVISION = """
import pandas as pd

def azureml_main(frame1):
    print "rows", len(frame1)
    half = 7 / 2
    return pd.DataFrame({"half": [half], "kind": [type(frame1["name"][0]).__name__]}),
"""


def test_print_statement_and_integer_division_under_python_27(
    classic_twin: str, run_in: RunIn, numbers: Path
) -> None:
    result = run_in(classic_twin)(PY2_PRINT_AND_DIVISION, dialect="classic", dataset1=str(numbers))
    assert result.ok, result.error
    assert "rows 3" in result.stdout
    frame = output_frame(result)
    assert frame["half"].tolist() == [3]  # 7 / 2 is 3 on Python 2
    assert frame["kind"].tolist() == ["str"]  # ASCII text arrives as str on Python 2
    assert result.environment.startswith("classic-py27 twin: Python 2.7")


REMOVED_PANDAS_APIS = """
import pandas as pd

def azureml_main(df):
    df = df.sort('a', ascending=False)
    matrix = df.as_matrix(columns=['a'])
    df.set_value(df.index[0], 'b', 100)
    first = df.ix[df.index[0], 'a']
    return pd.DataFrame({'first': [first], 'total': [matrix.sum()], 'b0': [df['b'].iloc[0]]}),
"""


def test_ix_as_matrix_sort_and_set_value_under_the_classic_twin(
    classic_twin: str, run_in: RunIn, numbers: Path
) -> None:
    result = run_in(classic_twin)(REMOVED_PANDAS_APIS, dialect="classic", dataset1=str(numbers))
    assert result.ok, result.error
    frame = output_frame(result)
    # sorted by a descending: a = 3, 2, 1 (rows 1, 2, 0); b of the first row set to 100
    assert frame.to_dict("records") == [{"b0": 100, "first": 3, "total": 6}]


APPEND = """
def azureml_main(dataframe1=None, dataframe2=None):
    out = dataframe1.append(dataframe1.iloc[:1], ignore_index=True)
    return out, dataframe2
"""


def test_dataframe_append_under_the_designer_twin(
    designer_twin: str, run_in: RunIn, numbers: Path, cities: Path
) -> None:
    result = run_in(designer_twin)(APPEND, dataset1=str(numbers), dataset2=str(cities))
    assert result.ok, result.error
    first = output_frame(result, 1)
    assert first["a"].tolist() == [1, 3, 2, 1]
    assert first["name"].fillna("").tolist() == ["x", "", "z", "x"]
    assert output_frame(result, 2)["city"].tolist() == ["Oslo", "Rome"]
    assert result.environment.startswith("designer twin: Python 3.")


MAP = """
def azureml_main(dataframe1=None, dataframe2=None):
    doubled = dataframe1.map(lambda v: v)
    return doubled,
"""


def test_dataframe_map_fails_under_the_designer_twin_at_its_line(
    designer_twin: str, run_in: RunIn, numbers: Path
) -> None:
    result = run_in(designer_twin)(MAP, dataset1=str(numbers))
    assert not result.ok and result.error is not None
    assert result.error.code == 85
    assert result.error.exception == "AttributeError"
    assert result.error.line == 2
    assert "Got exception when invoking script at line 2 in function azureml_main" in (
        result.error.message
    )
    assert "'DataFrame' object has no attribute 'map'" in result.error.message
    assert "pandas 0.25.3" in result.error.detail  # names the twin's pandas
