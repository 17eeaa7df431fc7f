"""CONTRACT.md section 1: the entry point, argument passing and loading, in both dialects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime.conftest import Runner

REPORT_ARGS = """
import pandas as pd

def azureml_main(*args):
    shapes = ["None" if a is None else "x".join(map(str, a.shape)) for a in args]
    return pd.DataFrame({"n": [len(args)], "shapes": [";".join(shapes)]}),
"""


def _cell(result, column: str) -> object:
    assert result.ok, result.error
    return result.outputs[0].head[0][result.outputs[0].columns.index(column)]


def test_missing_entry_point_is_error_0085(run_script: Runner) -> None:
    for dialect in ("classic", "designer"):
        result = run_script("x = 1\n", dialect=dialect)
        assert not result.ok and result.error is not None
        assert result.error.code == 85
        assert result.error.exception == "AttributeError"
        assert "has no attribute 'azureml_main'" in result.error.message


@pytest.mark.parametrize(
    ("connected", "expected"),
    [
        ((True, True), "2:3x3;2x2"),
        ((False, True), "1:2x2"),
        ((True, False), "1:3x3"),
        ((False, False), "0:"),
    ],
)
def test_classic_passes_connected_frames_positionally(
    run_script: Runner, csv1: Path, csv2: Path, connected: tuple[bool, bool], expected: str
) -> None:
    result = run_script(
        REPORT_ARGS,
        dialect="classic",
        dataset1=str(csv1) if connected[0] else None,
        dataset2=str(csv2) if connected[1] else None,
    )
    n, shapes = expected.split(":")
    assert _cell(result, "n") == int(n)
    assert (_cell(result, "shapes") or "") == shapes


@pytest.mark.parametrize(
    ("signature", "args", "expected"),
    [
        ("def azureml_main():", "[]", "0:"),
        ("def azureml_main(a):", "[a]", "1:None"),
        ("def azureml_main(a=None, b=None):", "[a, b]", "2:None;2x2"),
        ("def azureml_main(a, b, c=None):", "[a, b, c]", "3:None;2x2;None"),
        ("def azureml_main(*args):", "list(args)", "1:None"),
        ("def azureml_main(a=None, *rest):", "[a, *rest]", "2:None;2x2"),
    ],
)
def test_designer_call_shape_follows_parameter_count(
    run_script: Runner, csv2: Path, signature: str, args: str, expected: str
) -> None:
    source = f"""
import pandas as pd

{signature}
    args = {args}
    shapes = ["None" if a is None else "x".join(map(str, a.shape)) for a in args]
    return pd.DataFrame({{"n": [len(args)], "shapes": [";".join(shapes)]}}),
"""
    result = run_script(source, dialect="designer", dataset2=str(csv2))
    n, shapes = expected.split(":")
    assert _cell(result, "n") == int(n)
    assert (_cell(result, "shapes") or "") == shapes


@pytest.mark.parametrize(
    "signature",
    ["def azureml_main(a, b, c):", "def azureml_main(a, **kw):", "def azureml_main(*, a):"],
)
def test_designer_signatures_that_cannot_bind_fail_with_typeerror(
    run_script: Runner, signature: str
) -> None:
    result = run_script(f"{signature}\n    return None\n", dialect="designer")
    assert result.error is not None
    assert result.error.code == 85 and result.error.exception == "TypeError"
    assert "Got exception when invoking script: 'TypeError:" in result.error.message


def test_classic_two_inputs_one_parameter_fails(run_script: Runner, csv1: Path, csv2: Path) -> None:
    result = run_script(
        "def azureml_main(df):\n    return df,\n",
        dialect="classic",
        dataset1=str(csv1),
        dataset2=str(csv2),
    )
    assert result.error is not None and result.error.exception == "TypeError"


def test_script_is_imported_not_run_as_main(run_script: Runner) -> None:
    source = """
import os
import pandas as pd

IMPORT_CWD = os.getcwd()
MAIN_RAN = False
if __name__ == "__main__":
    MAIN_RAN = True

def azureml_main(dataframe1=None, dataframe2=None):
    return pd.DataFrame({
        "name": [__name__], "main_ran": [MAIN_RAN],
        "same_cwd": [IMPORT_CWD == os.getcwd()],
        "file_in_cwd": [os.path.dirname(__file__) == os.getcwd()],
    }),
"""
    for dialect in ("classic", "designer"):
        result = run_script(source, dialect=dialect)
        assert str(_cell(result, "name")).startswith("user_script_")
        assert _cell(result, "main_ran") is False
        assert _cell(result, "same_cwd") is False
        assert _cell(result, "file_in_cwd") is True
