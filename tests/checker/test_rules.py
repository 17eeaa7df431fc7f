"""Each rule: a script that triggers it, one that does not, and its fix where it has one."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import pytest

from azml_lsp.checker import RULES, apply_fixes

from .helpers import codes, diagnose

GOOD_MAIN = "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"


@dataclass(frozen=True)
class Case:
    code: str
    bad: str
    good: str
    fixed: str | None = None
    config: dict[str, object] = field(default_factory=dict)


CASES = [
    Case("AZ001", "def main(df):\n    return df,\n", GOOD_MAIN,
         "def main(df):\n    return df,\n\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n"
         "    return dataframe1,\n"),
    Case("AZ002", "class Job:\n    def azureml_main(self, df=None):\n        return df,\n", GOOD_MAIN),
    Case("AZ002", "if True:\n    def azureml_main(df=None):\n        return df,\n", GOOD_MAIN),
    Case("AZ003", "def azureml_main(df=None):\n    return df,\n\n" + GOOD_MAIN, GOOD_MAIN),
    Case("AZ004", "async def azureml_main(dataframe1=None):\n    return dataframe1,\n",
         GOOD_MAIN, "def azureml_main(dataframe1=None):\n    return dataframe1,\n"),
    Case("AZ005", "def azureml_main(dataframe1=None):\n    yield dataframe1\n", GOOD_MAIN),
    Case("AZ006", "azureml_main = 42\n", "azureml_main = make_entry()\n"),
    Case("AZ006", "azureml_main = lambda dataframe1=None: (dataframe1,)\n", GOOD_MAIN),
    Case("AZ007", "@timed\n" + GOOD_MAIN, GOOD_MAIN),
    Case("AZ101", "def azureml_main(a, b, c):\n    return a,\n",
         "def azureml_main(a, b, c=None):\n    return a,\n"),
    Case("AZ101", "def azureml_main(a, b, c):\n    return a,\n", GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ102", "def azureml_main(df=None, *, other):\n    return df,\n",
         "def azureml_main(df=None, *, other=None):\n    return df,\n",
         "def azureml_main(df=None, *, other=None):\n    return df,\n"),
    Case("AZ103", "def azureml_main(df, **kwargs):\n    return df,\n", GOOD_MAIN),
    Case("AZ104", "def azureml_main(a=None, b=None, debug=False):\n    return a,\n", GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ105", "def azureml_main(df1, df2):\n    return df1,\n", GOOD_MAIN,
         "def azureml_main(df1=None, df2=None):\n    return df1,\n"),
    Case("AZ105", "def azureml_main(df1):\n    return df1,\n", GOOD_MAIN,
         "def azureml_main(df1=None, dataframe2=None):\n    return df1,\n",
         config={"dialect": "classic"}),
    Case("AZ105", "def azureml_main():\n    return make(),\n", GOOD_MAIN,
         "def azureml_main(dataframe1=None, dataframe2=None):\n    return make(),\n",
         config={"dialect": "classic"}),
    Case("AZ201", "def azureml_main(dataframe1=None):\n    dataframe1['a'] = 1\n", GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ201", "def azureml_main(dataframe1=None):\n    return\n", GOOD_MAIN),
    Case("AZ202", "def azureml_main(dataframe1=None):\n    return dataframe1\n", GOOD_MAIN,
         "def azureml_main(dataframe1=None):\n    return dataframe1,\n",
         config={"dialect": "classic"}),
    Case("AZ203", "def azureml_main(dataframe1=None, dataframe2=None):\n"
         "    return [dataframe1, dataframe2]\n", GOOD_MAIN,
         "def azureml_main(dataframe1=None, dataframe2=None):\n    return (dataframe1, dataframe2)\n"),
    Case("AZ204", "def azureml_main(a=None, b=None):\n    return a, b, a\n",
         "def azureml_main(a=None, b=None):\n    return a, b\n"),
    Case("AZ204", "def azureml_main(a=None, b=None):\n    return a, b\n", GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ205", "def azureml_main(dataframe1=None):\n    return 'done'\n", GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ205", "from sklearn.linear_model import LinearRegression\n\n"
         "def azureml_main(dataframe1=None):\n    model = LinearRegression()\n    return model\n",
         "def azureml_main(dataframe1=None):\n    return 'done'\n"),
    Case("AZ206", "def azureml_main(dataframe1=None):\n    return ()\n", GOOD_MAIN),
    Case("AZ300", "def azureml_main(dataframe1=None):\n    return dataframe1,\n  }\n", GOOD_MAIN),
    Case("AZ301", GOOD_MAIN + "x = f'{1}'\n", GOOD_MAIN + "x = '{}'.format(1)\n",
         config={"target_python": "3.5"}),
    Case("AZ301", GOOD_MAIN + "if (n := 3):\n    pass\n", GOOD_MAIN,
         config={"target_python": "3.7"}),
    Case("AZ301", "from __future__ import annotations\n" + GOOD_MAIN,
         "from __future__ import division\n" + GOOD_MAIN, config={"target_python": "3.6"}),
    Case("AZ301", "def f(a: int) -> int:\n    return a\n" + GOOD_MAIN, GOOD_MAIN,
         config={"dialect": "classic", "target_python": "2.7"}),
    Case("AZ301", '"""Doc."""\nprint("a", 1)\n' + GOOD_MAIN, 'print("a")\n' + GOOD_MAIN,
         '"""Doc."""\nfrom __future__ import print_function\nprint("a", 1)\n' + GOOD_MAIN,
         config={"dialect": "classic", "target_python": "2.7"}),
    Case("AZ302", GOOD_MAIN + "print 'hi'\n", GOOD_MAIN + "print('hi')\n",
         GOOD_MAIN + "print('hi')\n"),
    Case("AZ303", GOOD_MAIN + "for i in xrange(3):\n    pass\n", GOOD_MAIN + "for i in range(3):\n    pass\n",
         GOOD_MAIN + "for i in range(3):\n    pass\n"),
    Case("AZ303", GOOD_MAIN + "d = {}\nfor k, v in d.iteritems():\n    pass\n",
         GOOD_MAIN + "d = {}\nfor k, v in d.items():\n    pass\n",
         GOOD_MAIN + "d = {}\nfor k, v in d.items():\n    pass\n"),
    Case("AZ401", "def azureml_main(dataframe1=None):\n    x = dataframe1.ix[0]\n    return dataframe1,\n",
         "def azureml_main(dataframe1=None):\n    x = dataframe1.loc[0]\n    return dataframe1,\n"),
    Case("AZ401", "import pandas as pd\nm = pd.rolling_mean\n" + GOOD_MAIN,
         "import pandas as pd\nm = pd.concat\n" + GOOD_MAIN, config={"dialect": "classic"}),
    Case("AZ401", "def azureml_main(dataframe1=None):\n    dataframe1 = dataframe1.append(dataframe1)\n"
         "    return dataframe1,\n",
         "def azureml_main(dataframe1=None):\n    rows = []\n    rows.append(1)\n    return dataframe1,\n"),
    Case("AZ402", "import pandas as pd\nf = pd.read_csv('a.csv', error_bad_lines=False)\n" + GOOD_MAIN,
         "import pandas as pd\nf = pd.read_csv('a.csv', on_bad_lines='skip')\n" + GOOD_MAIN),
    Case("AZ402", "def azureml_main(dataframe1=None):\n    x = dataframe1.drop('a', 1)\n    return x,\n",
         "def azureml_main(dataframe1=None):\n    x = dataframe1.drop(columns='a')\n    return x,\n"),
    Case("AZ403", "def azureml_main(dataframe1=None):\n    dataframe1['a'][0] = 1\n    return dataframe1,\n",
         "def azureml_main(dataframe1=None):\n    dataframe1.loc[0, 'a'] = 1\n    return dataframe1,\n"),
    Case("AZ404", "def azureml_main(dataframe1=None):\n    return dataframe1.map(str),\n",
         "def azureml_main(dataframe1=None):\n    return dataframe1.applymap(str),\n",
         "def azureml_main(dataframe1=None):\n    return dataframe1.applymap(str),\n",
         config={"dialect": "designer"}),
    Case("AZ404", "def azureml_main(dataframe1=None):\n    x = dataframe1.to_numpy()\n    return dataframe1,\n",
         "def azureml_main(dataframe1=None):\n    x = dataframe1.values\n    return dataframe1,\n",
         "def azureml_main(dataframe1=None):\n    x = dataframe1.values\n    return dataframe1,\n",
         config={"dialect": "classic"}),
    Case("AZ405", "def azureml_main(dataframe1=None):\n    return dataframe1.sort_values('a', key=abs),\n",
         "def azureml_main(dataframe1=None):\n    return dataframe1.sort_values('a'),\n",
         config={"dialect": "designer"}),
    Case("AZ406", "from sklearn.cross_validation import KFold\n" + GOOD_MAIN,
         "from sklearn.model_selection import KFold\n" + GOOD_MAIN, config={"dialect": "designer"}),
    Case("AZ406", "from sklearn.cross_validation import train_test_split\n" + GOOD_MAIN,
         "from sklearn.model_selection import KFold\n" + GOOD_MAIN,
         "from sklearn.model_selection import train_test_split\n" + GOOD_MAIN,
         config={"dialect": "designer"}),
    Case("AZ304", "import string\nt = string.maketrans('a', 'b')\n" + GOOD_MAIN,
         "t = str.maketrans('a', 'b')\n" + GOOD_MAIN,
         "import string\nt = str.maketrans('a', 'b')\n" + GOOD_MAIN, config={"dialect": "designer"}),
    Case("AZ304", "import itertools as it\np = it.izip_longest([1], [2])\n" + GOOD_MAIN,
         "import itertools as it\np = it.zip_longest([1], [2])\n" + GOOD_MAIN,
         "import itertools as it\np = it.zip_longest([1], [2])\n" + GOOD_MAIN),
    Case("AZ304", "s = 'abc'.translate(None, 'b')\n" + GOOD_MAIN,
         "s = 'abc'.translate(str.maketrans('', '', 'b'))\n" + GOOD_MAIN),
    Case("AZ305", "import urllib2\n" + GOOD_MAIN, "import urllib.request\n" + GOOD_MAIN),
    Case("AZ305", "import os, cPickle\n" + GOOD_MAIN, "import os, pickle\n" + GOOD_MAIN,
         "import os, pickle as cPickle\n" + GOOD_MAIN),
    Case("AZ305", "import cPickle as pickle\nfrom Queue import Queue\n" + GOOD_MAIN,
         "import pickle\nfrom queue import Queue\n" + GOOD_MAIN,
         "import pickle\nfrom queue import Queue\n" + GOOD_MAIN),
    Case("AZ305", "import pathlib\n" + GOOD_MAIN, "import os.path\n" + GOOD_MAIN,
         config={"dialect": "classic", "target_python": "2.7"}),
    Case("AZ501", "import no_such_module_azml\n" + GOOD_MAIN, "import json\n" + GOOD_MAIN),
    Case("AZ504", "import jedi\n" + GOOD_MAIN, "import sklearn\n" + GOOD_MAIN,
         "import importlib.util\nif importlib.util.find_spec('jedi') is None:\n    import os\n"
         "    os.system(f\"pip install jedi\")\nimport jedi\n" + GOOD_MAIN,
         config={"dialect": "designer"}),
    Case("AZ601", "import requests\n" + GOOD_MAIN, "import json\n" + GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ601", "import requests\n" + GOOD_MAIN, "import json\n" + GOOD_MAIN,
         config={"dialect": "classic", "ignore": frozenset({"AZ501"})}),
    Case("AZ602", GOOD_MAIN + "open('C:\\\\temp\\\\x.csv', 'w')\n", GOOD_MAIN + "open('out/x.csv', 'w')\n",
         config={"dialect": "classic"}),
    Case("AZ603", "import matplotlib.pyplot as plt\nimport matplotlib\nmatplotlib.use('Agg')\n"
         "plt.savefig('a.png')\n" + GOOD_MAIN,
         "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
         "plt.savefig('a.png')\n" + GOOD_MAIN,
         "import matplotlib\nmatplotlib.use(\"Agg\")\nimport matplotlib.pyplot as plt\n"
         "import matplotlib\nmatplotlib.use('Agg')\nplt.savefig('a.png')\n" + GOOD_MAIN,
         config={"dialect": "classic"}),
    Case("AZ603", "import matplotlib\nmatplotlib.use('TkAgg')\n" + GOOD_MAIN,
         "import matplotlib\nmatplotlib.use('Agg')\n" + GOOD_MAIN,
         "import matplotlib\nmatplotlib.use(\"Agg\")\n" + GOOD_MAIN),
    Case("AZ604", "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
         "plt.savefig('a.png')\nplt.show()\n" + GOOD_MAIN,
         "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
         "plt.savefig('a.png')\n" + GOOD_MAIN,
         "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
         "plt.savefig('a.png')\nplt.savefig('plot.png')\n" + GOOD_MAIN, config={"dialect": "classic"}),
    Case("AZ605", "import matplotlib.pyplot as plt\nplt.plot([1])\n" + GOOD_MAIN,
         "import matplotlib.pyplot as plt\nplt.plot([1])\nplt.savefig('p.png')\n"
         "run.upload_file('p.png', 'p.png')\n" + GOOD_MAIN),
    Case("AZ606", GOOD_MAIN + "if __name__ == '__main__':\n    azureml_main()\n", GOOD_MAIN),
    Case("AZ607", "import pickle\nmodel = pickle.load(open('./Script Bundle/m.pkl', 'rb'))\n" + GOOD_MAIN,
         "import pickle\n\ndef azureml_main(dataframe1=None):\n"
         "    model = pickle.load(open('./Script Bundle/m.pkl', 'rb'))\n    return dataframe1,\n"),
    Case("AZ608", "import os\nos.system('pip install lightgbm')\n" + GOOD_MAIN,
         "import importlib.util\nimport os\nif importlib.util.find_spec('lightgbm') is None:\n"
         "    os.system('pip install lightgbm')\n" + GOOD_MAIN),
    Case("AZ609", GOOD_MAIN + "# x\n" * 6000, GOOD_MAIN),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_and_not_on_good(case: Case) -> None:
    assert case.code in codes(case.bad, **case.config)
    assert case.code not in codes(case.good, **case.config)


FIXED = [c for c in CASES if c.fixed is not None]


@pytest.mark.parametrize("case", FIXED, ids=[c.code for c in FIXED])
def test_fix_gives_the_expected_script(case: Case) -> None:
    found = [d for d in diagnose(case.bad, **case.config) if d.code == case.code]
    fixes = [d.fix for d in found if d.fix is not None]
    assert fixes, f"{case.code} offers no fix"
    fixed = apply_fixes(case.bad, fixes)
    assert fixed == case.fixed
    ast.parse(fixed)
    assert case.code not in codes(fixed, **case.config)


def test_every_rule_has_a_case() -> None:
    migration = {code for code in RULES if code.startswith("AZ7")}  # tests/migrate
    tested = {c.code for c in CASES} | {"AZ502", "AZ503", "AZ505", "AZ900"} | migration
    assert tested == set(RULES)


def test_every_fixable_rule_has_a_fix_case() -> None:
    fixable = {code for code, rule in RULES.items() if rule.fixable}
    assert fixable <= {c.code for c in FIXED}


def test_examples_in_rule_docs_trigger_their_rule() -> None:
    """Each doc example (made into a full script where needed) is reported by its rule."""
    for code in ("AZ001", "AZ002", "AZ004", "AZ005", "AZ006", "AZ101", "AZ102", "AZ105", "AZ203"):
        assert code in codes(RULES[code].example), code
    assert "AZ202" in codes(RULES["AZ202"].example, dialect="classic")
    assert "AZ104" in codes(RULES["AZ104"].example, dialect="classic")


def test_suppression_comment_on_the_line() -> None:
    source = "import no_such_module_azml  # azml: ignore[AZ501]\n" + GOOD_MAIN
    assert "AZ501" not in codes(source)
    assert "AZ501" in codes(source.replace("AZ501]", "AZ601]"))
    assert codes("import no_such_module_azml  # azml: ignore\n" + GOOD_MAIN) == []


def test_select_and_ignore_prefixes() -> None:
    source = "import no_such_module_azml\ndef azureml_main(a, b, c):\n    return a,\n"
    assert set(codes(source, select=frozenset({"AZ5"}))) == {"AZ501"}
    assert "AZ501" not in codes(source, ignore=frozenset({"AZ5"}))
    with pytest.raises(ValueError, match="AZ77"):
        codes(source, select=frozenset({"AZ77"}))


def test_messages_say_what_to_do() -> None:
    for case in CASES:
        for d in diagnose(case.bad, **case.config):
            assert ":" in d.message or ";" in d.message, d.message
