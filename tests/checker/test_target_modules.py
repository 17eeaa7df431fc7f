"""Modules the target lacks: Python 2 modules and members under Python 3 (and the reverse),
packages the designer does not preinstall, bundles that carry Python 2.7 packages."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from azml_lsp.checker import CheckConfig, check_source
from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.packages import DESIGNER_PREINSTALLED, preinstalled_modules

from .helpers import diagnose

ENTRY = "\n\ndef azureml_main(dataframe1=None):\n    return dataframe1,\n"
CLASSIC_27 = {"dialect": "classic", "target_python": "2.7"}


def found(source: str, code: str, **config: object) -> list[str]:
    """The messages of ``code`` for ``source``."""
    return [d.message for d in diagnose(source, **config) if d.code == code]


@pytest.mark.parametrize(
    ("module", "instead"),
    [("urllib2", "urllib.request"), ("cPickle", "pickle"), ("StringIO", "io"), ("Queue", "queue")],
)
def test_python2_module_is_a_python2_finding_not_an_unresolved_import(
    module: str, instead: str
) -> None:
    source = f"import {module}" + ENTRY
    codes = [d.code for d in diagnose(source)]
    assert "AZ501" not in codes
    (message,) = found(source, "AZ305")
    assert f"`{module}` is a Python 2 standard module" in message and f"`{instead}`" in message
    assert found(f"from {module} import x" + ENTRY, "AZ305")


def test_python2_module_from_the_surface_without_a_hand_kept_name() -> None:
    # `mimify` is in Python 2.7's standard library (the shipped 2.7 surface) and in no Python 3
    (message,) = found("import mimify" + ENTRY, "AZ305")
    assert "Python 2 standard module" in message


def test_python2_modules_are_fine_under_27_and_guarded_imports_are_skipped() -> None:
    assert not found("import urllib2\nimport cPickle" + ENTRY, "AZ305", **CLASSIC_27)
    guarded = "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle" + ENTRY
    assert not found(guarded, "AZ305")


def test_python3_only_modules_under_an_older_target() -> None:
    (message,) = found("import pathlib" + ENTRY, "AZ305", **CLASSIC_27)
    assert "only from Python 3.4" in message
    (message,) = found("import secrets" + ENTRY, "AZ305", dialect="classic", target_python="3.5")
    assert "only from Python 3.6" in message
    assert not found("import pathlib\nimport secrets" + ENTRY, "AZ305")


def test_python3_only_members_under_27() -> None:
    source = "from itertools import zip_longest\nfrom functools import lru_cache" + ENTRY
    messages = found(source, "AZ304", **CLASSIC_27)
    assert any("itertools.zip_longest" in m for m in messages)
    assert any("functools.lru_cache" in m for m in messages)


TRANSLATE = """
import string

def azureml_main(dataframe1=None):
    table = string.maketrans("abc", "xyz")
    text = "hello"
    clean = text.translate(table, "lo")
    bare = "a,b".translate(None, string.punctuation)
    fine = text.translate(str.maketrans("a", "b"))
    raw = b"abc".translate(None, b"b")
    return dataframe1,
"""


def test_string_maketrans_and_two_argument_translate_under_python3() -> None:
    messages = found(TRANSLATE, "AZ304")
    assert any("`string.maketrans`" in m and "`str.maketrans`" in m for m in messages)
    lines = sorted(d.line for d in diagnose(TRANSLATE) if d.code == "AZ304")
    assert lines == [5, 7, 8]  # not the one-argument call, not bytes with bytes
    assert not found(TRANSLATE, "AZ304", **CLASSIC_27)


def test_two_argument_translate_on_an_inferred_string() -> None:
    source = "def azureml_main(dataframe1=None):\n    s = str(1)\n    s.translate({}, d)\n"
    assert found(source, "AZ304", use_jedi=True)


def test_packages_the_designer_does_not_preinstall() -> None:
    source = (
        "import jedi\nimport sklearn\nimport lightgbm\nimport azureml.core\nimport json" + ENTRY
    )
    (message,) = found(source, "AZ504")
    assert message.startswith("`jedi` (jedi) is installed here but not preinstalled")
    assert 'os.system(f"pip install jedi")' in message
    assert "importlib.util.find_spec('jedi')" in message
    assert not found(source, "AZ504", dialect="classic")


def test_a_script_that_installs_the_package_or_guards_the_import_is_not_reported() -> None:
    installs = (
        "import importlib.util\nimport os\n"
        "if importlib.util.find_spec('jedi') is None:\n"
        '    os.system(f"pip install jedi")\nimport jedi' + ENTRY
    )
    assert not found(installs, "AZ504")
    listed = 'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", '
    listed += '"install", "jedi"])\nimport jedi' + ENTRY
    assert not found(listed, "AZ504")
    guarded = "try:\n    import jedi\nexcept ImportError:\n    jedi = None" + ENTRY
    assert not found(guarded, "AZ504")


def test_a_bundle_that_carries_the_package_is_not_reported(tmp_path: Path) -> None:
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("jedi/__init__.py", "")
    assert not found("import jedi" + ENTRY, "AZ504", bundle=str(bundle))


def test_the_documented_list_maps_to_import_names() -> None:
    modules = preinstalled_modules(Dialect.DESIGNER)
    assert modules is not None and preinstalled_modules(Dialect.CLASSIC) is None
    assert modules["sklearn"] == "scikit-learn==0.22.2"
    assert modules["dateutil"] == "python-dateutil==2.8.1"
    assert modules["azureml"].startswith("azureml-") and modules["jwt"] == "pyjwt==1.7.1"
    assert len(DESIGNER_PREINSTALLED) == 109  # as the page lists them
    twin = preinstalled_modules(Dialect.DESIGNER, "designer-py39")
    assert twin is not None and twin["PIL"] == "pillow==10.3.0"


def test_rule_page_names_the_list_and_the_install_pattern() -> None:
    from azml_lsp.checker.registry import RULES

    doc = RULES["AZ504"].doc
    assert "`pandas==0.25.3`" in doc and "`lightgbm==2.2.3`" in doc
    assert 'os.system(f"pip install xgboost")' in doc and "find_spec" in doc


def python2_bundle(path: Path) -> Path:
    """A classic-style bundle: a root module and a Windows Python 2.7 package folder holding a
    package, a module and an egg (itself a zip)."""
    egg = path.parent / "eggpkg-1.0-py2.7.egg"
    with zipfile.ZipFile(egg, "w") as archive:
        archive.writestr("eggpkg/__init__.py", "def where():\n    return 'egg'\n")
        archive.writestr("EGG-INFO/PKG-INFO", "Name: eggpkg\n")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("helpers.py", "def double(x):\n    return x * 2\n")
        site = "Python27/Lib/site-packages/"
        archive.writestr(site + "oldlib/__init__.py", "def greet():\n    print 'hi'\n")
        archive.writestr(site + "single.py", "VALUE = 7L\n")
        archive.writestr(site + "oldlib-1.0.dist-info/METADATA", "Name: oldlib\n")
        archive.write(egg, site + egg.name)
    return path


PY2_BUNDLE_SCRIPT = "import helpers\nimport oldlib\nimport eggpkg\nimport single" + ENTRY


def test_python2_bundle_modules_resolve_under_27(tmp_path: Path) -> None:
    bundle = python2_bundle(tmp_path / "bundle.zip")
    codes = [d.code for d in diagnose(PY2_BUNDLE_SCRIPT, bundle=str(bundle), **CLASSIC_27)]
    assert "AZ501" not in codes and "AZ505" not in codes


def test_python2_bundle_under_python3_is_reported_at_each_import(tmp_path: Path) -> None:
    bundle = python2_bundle(tmp_path / "bundle.zip")
    found_ = [d for d in diagnose(PY2_BUNDLE_SCRIPT, bundle=str(bundle)) if d.code == "AZ505"]
    assert [d.line for d in found_] == [2, 3, 4]
    assert "`Python27/Lib/site-packages`" in found_[0].message
    assert all(d.severity.value == "error" for d in found_)
    assert "AZ501" not in [d.code for d in diagnose(PY2_BUNDLE_SCRIPT, bundle=str(bundle))]


def test_python2_bundle_without_imports_from_it_is_one_warning(tmp_path: Path) -> None:
    bundle = python2_bundle(tmp_path / "bundle.zip")
    diagnostics = check_source(
        "import helpers" + ENTRY, "s.py", CheckConfig(bundle=str(bundle), use_jedi=False)
    )
    (only,) = [d for d in diagnostics if d.code == "AZ505"]
    assert only.line == 1 and only.severity.value == "warning"
    assert "eggpkg, oldlib, single" in only.message
