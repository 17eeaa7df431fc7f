"""A classic bundle's ``Python27/site-packages`` (a package, a module, an egg) imports under the
Python 2.7 twin, and is not put on ``sys.path`` under a Python 3 twin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.checker.test_target_modules import python2_bundle
from tests.runtime.conftest import output_frame
from tests.twins.conftest import TwinRunner

RunIn = Callable[[str], TwinRunner]

USES_PYTHON2_PACKAGES = """
import pandas as pd
import helpers
import oldlib
import eggpkg
import single

def azureml_main(frame1=None):
    oldlib.greet()
    return pd.DataFrame({"egg": [eggpkg.where()], "value": [helpers.double(single.VALUE)]}),
"""


def test_python27_site_packages_and_eggs_import_under_the_27_twin(
    classic_twin: str, run_in: RunIn, tmp_path: Path
) -> None:
    bundle = python2_bundle(tmp_path / "bundle.zip")
    result = run_in(classic_twin)(USES_PYTHON2_PACKAGES, dialect="classic", bundle=str(bundle))
    assert result.ok, result.error
    assert "hi" in result.stdout  # oldlib's print statement ran: Python 2 code
    assert output_frame(result).to_dict("records") == [{"egg": "egg", "value": 14}]


def test_python27_site_packages_stay_off_the_path_under_a_python3_twin(
    designer_twin: str, run_in: RunIn, tmp_path: Path
) -> None:
    bundle = python2_bundle(tmp_path / "bundle.zip")
    result = run_in(designer_twin)(USES_PYTHON2_PACKAGES, bundle=str(bundle))
    assert not result.ok and result.error is not None
    assert result.error.code == 85
    assert "No module named 'oldlib'" in result.error.detail
