"""The class a name or expression holds at a point of a script, read from the syntax."""

from __future__ import annotations

import ast

import pytest

from azml_lsp.checker.frame_flow import PandasClass, class_at, parse_module, receiver_before

HEAD = "import numpy as np\nimport pandas as pd\nfrom pandas import DataFrame\n\n"


def class_of(source: str, expression: str, marker: str = "# here") -> PandasClass | None:
    """The class of ``expression`` on the line holding ``marker`` (that line being typed)."""
    text = HEAD + source
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, start=1) if marker in t)
    module = parse_module(text, line)
    assert module is not None
    column = lines[line - 1].index(marker)
    return class_at(module, ast.parse(expression, mode="eval").body, line, column)


ENTRY = "def azureml_main(dataframe1=None, dataframe2=None):\n"


@pytest.mark.parametrize(
    ("body", "expression", "expected"),
    [
        ("    dataframe1.  # here\n", "dataframe1", PandasClass.DATAFRAME),
        ("    dataframe2.  # here\n", "dataframe2", PandasClass.DATAFRAME),
        ("    df = dataframe1.copy()\n    df.  # here\n", "df", PandasClass.DATAFRAME),
        ("    s = dataframe1['a']\n    s.  # here\n", "s", PandasClass.SERIES),
        ("    d = dataframe1[['a', 'b']]\n    d.  # here\n", "d", PandasClass.DATAFRAME),
        (
            "    m = dataframe1['a'] > 3\n    d = dataframe1[m]\n    d.  # here\n",
            "d",
            PandasClass.DATAFRAME,
        ),
        ("    d = dataframe1[dataframe1.a > 3]\n    d.  # here\n", "d", PandasClass.DATAFRAME),
        (
            "    d = dataframe1.merge(dataframe2, on='a')\n    d.  # here\n",
            "d",
            PandasClass.DATAFRAME,
        ),
        (
            "    g = dataframe1.groupby('a').agg('sum')\n    g.  # here\n",
            "g",
            PandasClass.DATAFRAME,
        ),
        ("    g = dataframe1.groupby('a')\n    g.  # here\n", "g", PandasClass.GROUPBY),
        ("    g = dataframe1.groupby('a')['b'].sum()\n    g.  # here\n", "g", PandasClass.SERIES),
        (
            "    c = pd.concat([dataframe1, dataframe2])\n    c.  # here\n",
            "c",
            PandasClass.DATAFRAME,
        ),
        ("    c = pd.read_csv('x.csv')\n    c.  # here\n", "c", PandasClass.DATAFRAME),
        ("    c = DataFrame({'a': [1]})\n    c.  # here\n", "c", PandasClass.DATAFRAME),
        ("    dataframe1['a'].str.  # here\n", "dataframe1['a'].str", PandasClass.STRING_METHODS),
        (
            "    dataframe1['a'].dt.  # here\n",
            "dataframe1['a'].dt",
            PandasClass.DATETIME_PROPERTIES,
        ),
        ("    dataframe1.columns.  # here\n", "dataframe1.columns", PandasClass.INDEX),
        ("    dataframe1.values.  # here\n", "dataframe1.values", PandasClass.NDARRAY),
        ("    dataframe1.loc[:, 'a'].  # here\n", "dataframe1.loc[:, 'a']", PandasClass.SERIES),
        (
            "    dataframe1.loc[dataframe1.a > 1].  # here\n",
            "dataframe1.loc[dataframe1.a > 1]",
            PandasClass.DATAFRAME,
        ),
        (
            "    dataframe1['a'].rolling(3).  # here\n",
            "dataframe1['a'].rolling(3)",
            PandasClass.ROLLING,
        ),
        ("    a = np.zeros(3)\n    a.  # here\n", "a", PandasClass.NDARRAY),
        ("    dataframe1 = 3\n    dataframe1.  # here\n", "dataframe1", None),
        (
            "    dataframe1 = dataframe1.drop('a', inplace=True)\n    dataframe1.  # here\n",
            "dataframe1",
            None,
        ),
        ("    for dataframe1 in []:\n        dataframe1.  # here\n", "dataframe1", None),
        ("    if 1:\n        dataframe1 = 3\n    dataframe1.  # here\n", "dataframe1", None),
        (
            "    if 1:\n        dataframe1 = dataframe1.copy()\n    dataframe1.  # here\n",
            "dataframe1",
            PandasClass.DATAFRAME,
        ),
        ("    x = unknown()\n    x.  # here\n", "x", None),
        ("    dataframe1.apply(f).  # here\n", "dataframe1.apply(f)", None),
    ],
)
def test_entry_point_shapes(body: str, expression: str, expected: PandasClass | None) -> None:
    assert class_of(ENTRY + body, expression) is expected


def test_an_annotated_parameter_is_a_frame() -> None:
    source = "def azureml_main(dataframe1: pd.DataFrame = None, dataframe2: 'pd.DataFrame' = None):\n    dataframe2.  # here\n"
    assert class_of(source, "dataframe2") is PandasClass.DATAFRAME


def test_rebinding_counts_only_after_it_happens() -> None:
    source = (
        "def clean_columns(df) -> pd.DataFrame:\n    return df\n\n"
        "def to_number(df) -> int:\n    return 1\n\n"
        + ENTRY
        + "    dataframe1.shape  # before\n    dataframe1 = clean_columns(dataframe1)\n"
        "    dataframe1.shape  # after\n    dataframe1 = to_number(dataframe1)\n    dataframe1.shape  # number\n"
    )
    assert class_of(source, "dataframe1", "# before") is PandasClass.DATAFRAME
    assert class_of(source, "dataframe1", "# after") is PandasClass.DATAFRAME
    assert class_of(source, "dataframe1", "# number") is None


def test_a_helper_body_that_returns_a_frame() -> None:
    source = (
        "def load():\n    frame = pd.read_csv('a.csv')\n    return frame.dropna()\n\n"
        "def count(df):\n    return len(df)\n\n"
        + ENTRY
        + "    a = load()\n    b = count(dataframe1)\n    a.  # here\n"
    )
    assert class_of(source, "a") is PandasClass.DATAFRAME
    assert class_of(source, "b") is None


def test_a_helper_of_another_module() -> None:
    helper = ast.parse("import pandas as pd\ndef tidy(df) -> pd.DataFrame:\n    return df\n")
    text = HEAD + "from utils.cleaning import tidy\n" + ENTRY + "    x = tidy(dataframe1)\n    x.\n"
    module = parse_module(text, text.count("\n"))
    assert module is not None
    modules = {"utils.cleaning": helper}
    found = class_at(module, ast.Name("x"), text.count("\n"), 4, modules.get)
    assert found is PandasClass.DATAFRAME
    assert class_at(module, ast.Name("x"), text.count("\n"), 4, lambda _: None) is None


def test_a_local_name_is_unbound_before_its_assignment() -> None:
    source = "df = pd.DataFrame()\n" + ENTRY + "    df.  # here\n    df = 3\n"
    assert class_of(source, "df") is None
    source = "df = pd.DataFrame()\n" + ENTRY + "    df.  # here\n"
    assert class_of(source, "df") is PandasClass.DATAFRAME


def test_other_functions_parameters_follow_their_annotations() -> None:
    source = "def f(a: pd.Series, b):\n    a.  # here\n"
    assert class_of(source, "a") is PandasClass.SERIES
    assert class_of(source, "b") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    dataframe1.", "dataframe1"),
        ("    x = df.groupby('a').", "df.groupby('a')"),
        ('    y = df["a)"].', 'df["a)"]'),
        ("    f(df[['a', 'b']].", "df[['a', 'b']]"),
        ("    1.", None),
        ("    .", None),
    ],
)
def test_receiver_before(line: str, expected: str | None) -> None:
    assert receiver_before(line, len(line) - 1) == expected
