"""The shipped API surfaces, the rules that read them, and the generator in a real twin."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from azml_lsp import surfaces
from azml_lsp.envs.store import installed
from azml_lsp.surfaces.generate import main as generate
from tests.checker.helpers import diagnose

SCRIPT = """\
import string
import itertools
import pandas as pd
from sklearn.cross_validation import train_test_split


def azureml_main(dataframe1=None):
    mapped = dataframe1.map(str)
    chosen = dataframe1["a"].case_when([(dataframe1["a"] > 1, 0)])
    ordered = dataframe1.sort_values("a", key=abs)
    table = string.maketrans("ab", "xy")
    pairs = itertools.izip([1], [2])
    old = dataframe1.ix[0]
    return dataframe1,
"""


def test_shipped_surfaces_hold_known_facts() -> None:
    assert {"classic-py27", "classic-py35", "designer", surfaces.LATEST} <= set(surfaces.names())
    classic, designer, latest = (surfaces.load(n) for n in ("classic-py27", "designer", "latest"))
    assert classic.packages["pandas"] == "0.18.1" and classic.python.startswith("2.7")
    assert classic.cloud_packages["pandas"] == "0.18.0"
    assert designer.packages == {"numpy": "1.18.2", "pandas": "0.25.3", "scikit-learn": "0.22.2"}
    for old in (classic, designer):
        assert old.has_member("pandas.DataFrame", "ix")
        assert old.has_member("pandas.DataFrame", "as_matrix")
        assert not old.has_member("pandas.DataFrame", "map")
    assert not latest.has_member("pandas.DataFrame", "ix")
    assert not latest.has_member("pandas.DataFrame", "as_matrix")
    assert latest.has_member("pandas.DataFrame", "map")
    assert latest.added["pandas.DataFrame"]["map"][""] == "2.1.0"
    assert "urllib2" in classic.stdlib and "urllib2" not in designer.stdlib
    assert "maketrans" in classic.modules["string"] and "maketrans" not in latest.modules["string"]
    assert "iteritems" in classic.classes["builtins.dict"]
    assert "sklearn.cross_validation" in classic.modules
    assert "sklearn.cross_validation" not in designer.modules
    assert "key" in "".join(latest.classes["pandas.DataFrame"]["sort_values"] or [])
    assert "key=None" not in (designer.classes["pandas.DataFrame"]["sort_values"] or [])
    assert "contains" in surfaces.members("designer", "str")
    assert "dayofweek" in surfaces.members("designer", "dt")
    assert "agg" in surfaces.members("designer", "DataFrameGroupBy")
    assert "reshape" in classic.classes["numpy.ndarray"]
    assert "C=1.0" in (designer.modules["sklearn.svm"]["SVC"] or [])  # estimators' parameters
    assert "n_jobs=1" in (classic.modules["sklearn.linear_model"]["LogisticRegression"] or [])
    assert (classic.modules["numpy"]["linspace"] or [])[:3] == ["start", "stop", "num=50"]
    assert "device=None" in (latest.modules["numpy"]["linspace"] or [])  # numpy 2's dispatcher
    assert any("S9" in source for source in designer.sources)


def test_target_follows_the_check_config() -> None:
    assert surfaces.target_name("designer", "3.6", None) == "designer"
    assert surfaces.target_name("classic", "2.7", None) == "classic-py27"
    assert surfaces.target_name("classic", "3.5", None) == "classic-py35"
    assert surfaces.target_name("classic", "3.5", "classic-py27") == "classic-py27"
    with pytest.raises(KeyError, match="shipped ones"):
        surfaces.load("nope")


def test_rules_under_the_designer() -> None:
    found = {(d.code, d.line): d.message for d in diagnose(SCRIPT, dialect="designer")}
    assert "`DataFrame.map` does not exist in pandas 0.25.3 (designer)" in found[("AZ404", 8)]
    assert "added in pandas 2.1.0: use `.applymap(...)`" in found[("AZ404", 8)]
    assert "`Series.case_when`" in found[("AZ404", 9)]
    assert "takes no `key` in pandas 0.25.3" in found[("AZ405", 10)]
    assert "added after pandas 0.25.3: pandas 1.1.5 has it" in found[("AZ405", 10)]
    assert "use `str.maketrans`" in found[("AZ304", 11)]
    assert "use `zip`" in found[("AZ304", 12)]
    assert "use `sklearn.model_selection`" in found[("AZ406", 4)]
    kfold = "from sklearn.cross_validation import KFold, train_test_split\n"
    (moved,) = [d for d in diagnose(kfold, dialect="designer") if d.code == "AZ406"]
    assert moved.fix is None  # KFold(n, n_folds) became KFold(n_splits): no safe rewrite
    assert "pandas 0.25.3" in found[("AZ401", 13)]


PY27_TWIN = {"dialect": "classic", "target_python": "2.7", "cloud_pandas": "0.18.0"}


def test_rules_under_python_2_and_its_twin() -> None:
    found = {(d.code, d.line): d.message for d in diagnose(SCRIPT, env="classic-py27", **PY27_TWIN)}
    assert ("AZ304", 11) not in found and ("AZ406", 4) not in found
    assert "pandas 0.18.0 (classic-py27)" in found[("AZ404", 8)]
    assert "the classic-py27 twin" in found[("AZ401", 13)]
    assert "`Series.case_when` does not exist in pandas 0.18.0" in found[("AZ404", 9)]
    classic = {(d.code, d.line): d.message for d in diagnose(SCRIPT, dialect="classic")}
    assert "pandas 0.18.0 (classic-py35)" in classic[("AZ404", 8)]
    assert "`Series.case_when`" in classic[("AZ404", 9)]
    py3_only = "import itertools\nz = itertools.zip_longest([1], [2])\n"
    messages = [d.message for d in diagnose(py3_only, dialect="classic", target_python="2.7")]
    assert any("`itertools.zip_longest` is a Python 3 name" in m for m in messages)
    model = "from sklearn.model_selection import KFold\n"
    assert any(
        "scikit-learn 0.17.1 (classic-py27)" in d.message
        for d in diagnose(model, env="classic-py27", **PY27_TWIN)
        if d.code == "AZ406"
    )


def test_azml_check_reports_surface_rules(tmp_path: Path) -> None:
    script = tmp_path / "score.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "check", str(script), "--dialect", "designer",
         "--format", "json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    reported = {(d["code"], d["line"]) for d in json.loads(done.stdout)}
    assert {("AZ404", 8), ("AZ404", 9), ("AZ405", 10), ("AZ304", 11), ("AZ406", 4)} <= reported


def test_generator_runs_in_a_twin(tmp_path: Path) -> None:
    twin = installed("classic-py27")
    assert twin is not None, "create it first: azml env create classic-py27"
    assert generate(["classic-py27", "--create", "--out", str(tmp_path)]) == 0  # up to date
    with gzip.open(tmp_path / "classic-py27.json.gz", "rt", encoding="utf-8") as stream:
        fresh = json.load(stream)
    shipped = surfaces.load("classic-py27")
    assert fresh["packages"] == shipped.packages
    assert fresh["classes"]["pandas.DataFrame"] == shipped.classes["pandas.DataFrame"]
    assert fresh["stdlib"] == sorted(shipped.stdlib)


def test_members_gone_from_the_newest_pandas_warn() -> None:
    script = "def azureml_main(dataframe1=None):\n    return dataframe1.tshift(1),\n"
    found = [d for d in diagnose(script, dialect="designer") if d.code == "AZ401"]
    assert len(found) == 1 and found[0].severity.value == "warning"
    assert "`DataFrame.tshift` is in pandas 0.25.3 (designer)" in found[0].message
    assert "the last shipped pandas with it is 1.1.5" in found[0].message


def test_the_version_each_name_appeared_and_disappeared_in() -> None:
    frame = "pandas.DataFrame"
    gone = surfaces.lifetime("classes", frame, "append")
    assert gone.having[0] == ("0.18.0", "classic-py27") and gone.appeared() is None
    assert gone.disappeared() == ("1.1.5", surfaces.load(surfaces.LATEST).pandas)
    added = surfaces.lifetime("classes", frame, "map")
    assert added.appeared() == ("1.1.5", surfaces.load(surfaces.LATEST).pandas)
    assert added.describe().endswith("(added after 1.1.5)")
    assert (
        surfaces.lifetime("classes", frame, "merge").describe().startswith("in pandas 0.18.0 to ")
    )
    keyword = surfaces.lifetime("modules", "sklearn.model_selection", "KFold", "scikit-learn")
    assert keyword.having[0] == ("0.18.1", "classic-py35")  # the classic-py27 twin has 0.17.1
    assert surfaces.lifetime("classes", frame, "no_such_member").describe().startswith("in none")


DERIVED = """\
import pandas as pd


def azureml_main(dataframe1: pd.DataFrame = None, dataframe2=None):
    df_label_1 = dataframe1[dataframe1.iloc[:, 20] == 1]
    df_label_2 = dataframe1[dataframe1.iloc[:, 20] == 0]
    result = df_label_1.append([df_label_2] * 5, ignore_index=True)
    merged = result.merge(dataframe2, on="id")
    return merged.map(str),
"""


def test_derived_frames_are_checked_as_frames() -> None:
    """Masks, merges and rebinding keep the DataFrame class (the designer's own sample)."""
    found = {(d.code, d.line): d.message for d in diagnose(DERIVED, dialect="designer")}
    assert "pandas 0.25.3" in found[("AZ401", 7)]  # `append`: runs in the cloud, gone here
    assert "`DataFrame.map` does not exist in pandas 0.25.3" in found[("AZ404", 9)]


def test_azml_check_needs_no_twin_and_fixes_what_is_safe(tmp_path: Path) -> None:
    """With an empty cache (no twin created), the shipped surfaces still drive the rules, under
    a dialect and under a named twin; ``--fix`` applies the safe rewrites."""
    script = tmp_path / "score.py"
    script.write_text("import cPickle\n" + SCRIPT, encoding="utf-8")
    env = {**os.environ, "AZML_CACHE_DIR": str(tmp_path / "empty-cache")}

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "azml_lsp", "check", str(script), "--format", "json", *args],
            capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip

    listed = subprocess.run(
        [sys.executable, "-m", "azml_lsp", "env", "list"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert " yes " not in listed.stdout, listed.stdout
    under_twin = {(d["code"], d["line"]) for d in json.loads(check("--env", "classic-py27").stdout)}
    assert {("AZ404", 9), ("AZ404", 10), ("AZ405", 11)} <= under_twin
    assert ("AZ304", 12) not in under_twin  # string.maketrans is Python 2.7's own
    fixed = check("--dialect", "designer", "--fix")
    assert fixed.returncode == 1, fixed.stderr  # AZ405 (sort_values(key=)) has no safe fix
    text = script.read_text(encoding="utf-8")
    assert text.startswith("import pickle as cPickle\n")
    for rewritten in (
        "dataframe1.applymap(str)", "str.maketrans(", "pairs = zip(",
        "from sklearn.model_selection import train_test_split",
    ):  # fmt: skip
        assert rewritten in text
    left = {d["code"] for d in json.loads(check("--dialect", "designer").stdout)}
    assert not {"AZ304", "AZ305", "AZ406"} & left and "AZ405" in left
