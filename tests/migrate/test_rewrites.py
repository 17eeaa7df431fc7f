"""Each rewrite of ``azml migrate``: what it writes, and what it lists instead of guessing."""

from __future__ import annotations

import ast

import pytest

from azml_lsp.checker import RULES
from azml_lsp.contract.dialects import Dialect
from azml_lsp.migrate.model import Migration, Target
from azml_lsp.migrate.plan import migrate_source
from azml_lsp.migrate.python2 import MigrationError

DESIGNER = Target("designer", Dialect.DESIGNER, "3.6")
HEADER = "# azml: dialect=designer env=designer\n"


def migrated(body: str, **kwargs: object) -> Migration:
    return migrate_source(HEADER + body, DESIGNER, source_dialect=Dialect.DESIGNER, **kwargs)  # type: ignore[arg-type]


def body_of(migration: Migration) -> str:
    return migration.text[len(HEADER) :]


REWRITES = [
    ("AZ302", 'print "rows:", n\n', 'print("rows:", n)\n'),
    ("AZ302", "try:\n    x = 1\nexcept ValueError, e:\n    x = 2\n",
     "try:\n    x = 1\nexcept ValueError as e:\n    x = 2\n"),
    ("AZ303", "for k, v in d.iteritems():\n    pass\n", "for k, v in d.items():\n    pass\n"),
    ("AZ303", "a = list(d.itervalues())\nb = list(d.iterkeys())\n",
     "a = list(d.values())\nb = list(d.keys())\n"),
    ("AZ303", "if d.has_key('a'):\n    pass\n", "if 'a' in d:\n    pass\n"),
    ("AZ303", "ok = d.has_key(k) == True\n", "ok = (k in d) == True\n"),
    ("AZ303", "for i in xrange(3):\n    pass\n", "for i in range(3):\n    pass\n"),
    ("AZ303", "ok = isinstance(x, basestring) or isinstance(x, unicode)\n",
     "ok = isinstance(x, str) or isinstance(x, str)\n"),
    ("AZ702", "import urllib2\npage = urllib2.urlopen(url)\n",
     "import urllib.request\npage = urllib.request.urlopen(url)\n"),
    ("AZ702", "from urllib2 import urlopen\n", "from urllib.request import urlopen\n"),
    ("AZ701", "print n\nn = len(rows)\nhalf = n / 2\n", "print(n)\nn = len(rows)\nhalf = n // 2\n"),
    ("AZ701", "count = 0\nfor i in xrange(10):\n    count += i\nmean = count / 10\n",
     "count = 0\nfor i in range(10):\n    count += i\nmean = count // 10\n"),
    ("AZ701", "try:\n    n = int(s)\nexcept ValueError, e:\n    n = 0\nhalf = n / 2\n",
     "try:\n    n = int(s)\nexcept ValueError as e:\n    n = 0\nhalf = n // 2\n"),
    ("AZ401", "x = df.ix[df['a'] > 0, 'b']\n", "x = df.loc[df['a'] > 0, 'b']\n"),
    ("AZ401", "x = df.ix[df.index[0], 'name']\n", "x = df.loc[df.index[0], 'name']\n"),
    ("AZ401", "def azureml_main(df):\n    return df.ix[0:2], df.ix[[0, 2], 'a']\n",
     "def azureml_main(df):\n    return df.loc[0:2], df.loc[[0, 2], 'a']\n"),
    ("AZ401", "def azureml_main(df):\n    df['b'] = 1\n    return df.ix[:, 1], df.ix[0, [0, 2]]\n",
     "def azureml_main(df):\n    df['b'] = 1\n    return df.iloc[:, 1], df.iloc[0, [0, 2]]\n"),
    ("AZ401", "m = df.as_matrix()\n", "m = df.values\n"),
    ("AZ401", "m = df.as_matrix(columns=['a', 'b'])\n", "m = df[['a', 'b']].values\n"),
    ("AZ401", "df = df.sort('a', ascending=False)\n", "df = df.sort_values('a', ascending=False)\n"),
    ("AZ401", "df = df.sort(columns=['a'])\n", "df = df.sort_values(by=['a'])\n"),
    ("AZ401", "import pandas as pd\nout = df.append(other, ignore_index=True)\n",
     "import pandas as pd\nout = pd.concat([df, other], ignore_index=True)\n"),
    ("AZ401", "import pandas as pd\nout = df.append({'a': 1}, ignore_index=True)\n",
     "import pandas as pd\nout = pd.concat([df, pd.DataFrame([{'a': 1}])], ignore_index=True)\n"),
    ("AZ401", "df.set_value(3, 'a', 1.5)\n", "df.at[3, 'a'] = 1.5\n"),
    ("AZ401", "v = df.get_value(3, 'a')\n", "v = df.at[3, 'a']\n"),
    ("AZ401", "v = df.get_value(0, 1, takeable=True)\n", "v = df.iat[0, 1]\n"),
    ("AZ401", "from pandas.tools.plotting import scatter_matrix\n",
     "from pandas.plotting import scatter_matrix\n"),
    ("AZ401", "from pandas.tools.merge import concat\n", "from pandas import concat\n"),
    ("AZ406", "from sklearn.cross_validation import train_test_split\n",
     "from sklearn.model_selection import train_test_split\n"),
    ("AZ406", "import sklearn.cross_validation as cv\n", "import sklearn.model_selection as cv\n"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "before", "after"), REWRITES, ids=[r[0] for r in REWRITES])
def test_rewrite(code: str, before: str, after: str) -> None:
    migration = migrated(before)
    assert body_of(migration) == after
    assert any(f.code == code and f.applied for f in migration.findings)
    assert code in RULES
    ast.parse(migration.text)


LISTED = [
    ("AZ701", "def f(a, b):\n    print a\n    return a / b\n", 3),
    ("AZ401", "x = df.ix[0, 'a']\n", 1),
    ("AZ401", "x = df.ix[:, 2]\n", 1),
    ("AZ401", "def azureml_main(df):\n    df = df.sort_values('a')\n    return df.ix[0, 'a']\n", 3),
    ("AZ401", "def azureml_main(df):\n    df.index = df['a']\n    return df.ix[0, 'a']\n", 3),
    ("AZ401", "def azureml_main(df):\n    df[0] = 1\n    return df.ix[:, 0]\n", 3),
    (
        "AZ401",
        "def azureml_main(df):\n    df.set_index('a', inplace=True)\n    return df.ix[0]\n",
        3,
    ),
    ("AZ401", "def azureml_main(df):\n    return df.ix[-1, 0]\n", 2),
    ("AZ401", "items.sort()\n", 1),
    ("AZ401", "df = df.set_value(1, 'a', 2)\n", 1),
    ("AZ303", "r = reduce(f, xs)\n", 1),
]


@pytest.mark.parametrize(("code", "source", "line"), LISTED, ids=[x[0] for x in LISTED])
def test_undecidable_is_listed_not_applied(code: str, source: str, line: int) -> None:
    migration = migrated(source)
    assert body_of(migration) == source.replace("print a", "print(a)")
    assert [(f.code, f.line - 1) for f in migration.listed] == [(code, line)]


def test_division_is_left_alone_under_future_division_and_for_floats() -> None:
    for source in (
        "from __future__ import division\nprint 'x'\nhalf = len(a) / 2\n",
        "print 'x'\nhalf = len(a) / 2.0\n",
    ):
        migration = migrated(source)
        assert "/ 2" in migration.text and "//" not in migration.text
        assert not [f for f in migration.listed if f.code == "AZ701"]


def test_list_append_is_not_rewritten() -> None:
    source = "import pandas as pd\nrows = []\nrows.append(1)\n"
    assert body_of(migrated(source)) == source


def test_python3_source_keeps_its_division() -> None:
    source = "def f(a, b):\n    return a / b\n"
    migration = migrated(source)
    assert body_of(migration) == source and not migration.findings


def test_nested_rewrites_reach_a_fixed_point() -> None:
    migration = migrated("print df.sort('a').as_matrix()\n")
    assert body_of(migration) == "print(df.sort_values('a').values)\n"


def test_unparsable_python2_names_the_line() -> None:
    with pytest.raises(MigrationError, match=r"s\.py:2: .*AZ300"):
        migrate_source("x = 1\ndef f((a, b)):\n    pass\n", DESIGNER, path="s.py")


CLASSIC = "# azml: dialect=classic env=classic-py27 dataset1=data.csv\n"


def classic(body: str, **kwargs: object) -> Migration:
    return migrate_source(CLASSIC + body, DESIGNER, source_dialect=Dialect.CLASSIC, **kwargs)  # type: ignore[arg-type]


def test_finding_lines_map_back_to_the_original() -> None:
    source = "import urllib2\n\n\ndef azureml_main(df):\n    print 'x'\n    return df.ix[0, 'a']\n"
    migration = migrate_source(source, DESIGNER)
    assert migration.text.startswith("# azml: dialect=designer env=designer\nimport urllib.")
    lines = {f.code: f.line for f in migration.findings}
    assert (lines["AZ702"], lines["AZ302"], lines["AZ401"]) == (2, 6, 7)
    assert [migration.original_line(n) for n in (1, 2, 5, 6, 7)] == [1, 1, 4, 5, 6]


def test_header_takes_the_target() -> None:
    migration = classic("def azureml_main(df):\n    return df,\n")
    assert (
        migration.text.splitlines()[0] == "# azml: dialect=designer env=designer dataset1=data.csv"
    )
    assert {f.code for f in migration.findings} == {"AZ704"}


def test_header_is_added_after_an_encoding_line() -> None:
    source = "# -*- coding: utf-8 -*-\ndef azureml_main(df):\n    print 'x'\n    return df,\n"
    migration = migrate_source(source, DESIGNER)
    lines = migration.text.splitlines()
    assert lines[:2] == ["# -*- coding: utf-8 -*-", "# azml: dialect=designer env=designer"]
    assert any(f.code == "AZ302" and f.line == 4 for f in migration.findings)


def test_bare_frame_becomes_a_tuple() -> None:
    migration = classic("def azureml_main(df):\n    return df\n")
    assert migration.text.endswith("    return df,\n")
    assert any(f.code == "AZ202" and f.applied for f in migration.findings)


def test_list_return_becomes_a_tuple() -> None:
    migration = classic("def azureml_main(df):\n    return [df]\n")
    assert migration.text.endswith("    return df,\n")


def test_second_item_classic_ignored_is_dropped() -> None:
    migration = classic("def azureml_main(df):\n    return df, df.describe()\n")
    assert migration.text.endswith("    return df,\n")
    assert any(f.code == "AZ204" and f.applied for f in migration.findings)


def test_sorted_result_gets_its_index_reset() -> None:
    source = "def azureml_main(df):\n    out = df[df['a'] > 1]\n    out['b'] = 2\n    return out,\n"
    migration = classic(source)
    assert migration.text.endswith("    return out.reset_index(drop=True),\n")
    assert any(f.code == "AZ703" and f.applied for f in migration.findings)


def test_default_index_is_kept_and_unknown_is_listed() -> None:
    kept = classic("def azureml_main(df):\n    out = df.copy()\n    return out,\n")
    assert kept.text.endswith("    return out,\n") and not kept.listed
    unknown = classic("def azureml_main(df):\n    out = helper(df)\n    return out,\n")
    assert unknown.text.endswith("    return out,\n")
    assert [f.code for f in unknown.listed] == ["AZ703"]


def test_port_mapping_is_warned_when_only_dataset2_is_connected() -> None:
    source = "def azureml_main(frame1):\n    return frame1,\n"
    warned = classic(source, connected=(False, True))
    assert [(f.code, f.line) for f in warned.listed] == [("AZ705", 2)]
    assert "`frame1`" in warned.listed[0].message
    assert not classic(source, connected=(True, False)).listed


def test_an_index_changed_in_place_is_reset() -> None:
    source = (
        "def azureml_main(df, other):\n"
        "    df.sort_values('a', inplace=True)\n"
        "    out = df.copy()\n"
        "    other.fillna(0, inplace=True)\n"
        "    other.drop('x', axis=1, inplace=True)\n"
        "    return {}\n"
    )
    sorted_first = classic(source.format("out"))
    assert sorted_first.text.endswith("    return out.reset_index(drop=True),\n")
    kept = classic(source.format("other"))
    assert kept.text.endswith("    return other,\n") and not kept.listed
    reset = classic(
        source.format("df").replace(
            "    out =", "    df.reset_index(drop=True, inplace=True)\n    out ="
        )
    )
    assert reset.text.endswith("    return df,\n") and not reset.listed


def test_sort_of_an_input_frame_without_columns_sorts_its_index() -> None:
    source = (
        "def azureml_main(df):\n    df.sort(inplace=True)\n    return df.sort(ascending=False)\n"
    )
    migration = classic(source)
    assert "    df.sort_index(inplace=True)\n" in migration.text
    assert "    return df.sort_index(ascending=False).reset_index(drop=True),\n" in migration.text
    assert not migration.listed
