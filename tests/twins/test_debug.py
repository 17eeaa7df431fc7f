"""``azml debug`` under a twin: the twin's own debugpy listens, breakpoints in the script and in a
folder bundle hit through DAP, and the run then finishes in the twin."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.runtime.test_debug_cli import debug_session

PY2_SCRIPT = """
import helpers

def azureml_main(dataframe1=None, dataframe2=None):
    values = helpers.numbers()
    print "total", sum(values)
    return dataframe1.assign(total=sum(values)),
"""

PY3_SCRIPT = """
import helpers

def azureml_main(dataframe1=None, dataframe2=None):
    values = helpers.numbers()
    print("total", sum(values))
    return dataframe1.assign(total=sum(values)),
"""


@pytest.mark.parametrize(
    ("twin", "dialect", "source"),
    [("classic_twin", "classic", PY2_SCRIPT), ("designer_twin", "designer", PY3_SCRIPT)],
)
def test_breakpoints_hit_in_the_twin(
    request: pytest.FixtureRequest, tmp_path: Path, csv1: Path, twin: str, dialect: str, source: str
) -> None:
    name = request.getfixturevalue(twin)
    options = ("--env", name, "--dialect", dialect)
    result = asyncio.run(debug_session(tmp_path, csv1, source, options))
    assert result["ok"] is True, result["error"]
    assert result["outputs"][0]["columns"][-1] == "total"
    assert "total 6" in result["stdout"]
    assert result["environment"].startswith(f"{name} twin:")
