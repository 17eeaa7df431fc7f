"""Script Bundle resolution (zip and folder) and the jedi-backed rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from azml_lsp.checker import CheckConfig, check_source

from .helpers import codes

SCRIPT = "import mylib\nimport json\n\ndef azureml_main(dataframe1=None):\n    return dataframe1,\n"


def _zip(path: Path, names: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return path


def test_bundle_zip_resolves_imports_and_reports_shadowing(tmp_path: Path) -> None:
    bundle = _zip(tmp_path / "b.zip", {"mylib.py": "", "json.py": "", "pkg/__init__.py": ""})
    found = check_source(SCRIPT, "s.py", CheckConfig(bundle=str(bundle), use_jedi=False))
    assert "AZ501" not in [d.code for d in found]
    shadow = [d for d in found if d.code == "AZ502"]
    assert len(shadow) == 1 and shadow[0].line == 2 and "`json`" in shadow[0].message


def test_bundle_folder_and_nested_module_hint(tmp_path: Path) -> None:
    (tmp_path / "lib" / "inner").mkdir(parents=True)
    (tmp_path / "lib" / "inner" / "mylib.py").write_text("")
    found = check_source(SCRIPT, "s.py", CheckConfig(bundle=str(tmp_path / "lib"), use_jedi=False))
    message = next(d.message for d in found if d.code == "AZ501")
    assert "inner/mylib.py" in message


def test_missing_or_broken_bundle(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    assert "AZ503" in codes(SCRIPT, bundle=str(broken))
    assert "AZ503" in codes(SCRIPT, bundle=str(tmp_path / "missing.zip"))
    assert "AZ503" not in codes(SCRIPT)


def test_guarded_import_is_not_reported() -> None:
    source = "try:\n    import mylib\nexcept ImportError:\n    mylib = None\n" + SCRIPT[13:]
    assert "AZ501" not in codes(source)


def test_fallback_imports_for_another_runtime_are_not_reported() -> None:
    source = (
        "try:\n    from pandas.plotting import scatter_matrix\n"
        "except ImportError:\n    from pandas.tools.plotting import scatter_matrix\n"
        "try:\n    import json\nexcept ImportError:\n    import simplejson as json\n"
    ) + SCRIPT[13:]
    found = codes(source, dialect="classic")
    assert "AZ401" not in found and "AZ501" not in found
    assert "AZ401" in codes("from pandas.tools.plotting import scatter_matrix\n" + SCRIPT[13:])


JEDI_SCRIPT = (
    "import pandas as pd\n"
    "from sklearn.linear_model import LinearRegression\n\n"
    "def load():\n"
    "    return pd.read_csv('data.csv')\n\n"
    "def train(frame):\n"
    "    return LinearRegression().fit(frame[['a']], frame['b'])\n\n"
    "def azureml_main(dataframe1=None):\n"
    "    frame = load()\n"
    "    frame = frame.append(frame)\n"
    "    model = train(frame)\n"
    "    return model\n"
)


def test_jedi_infers_models_where_syntax_cannot() -> None:
    """A helper's frame is read from its body by the syntax alone (frame flow); the model a
    helper returns needs jedi."""
    config = CheckConfig(dialect="classic", check_imports=False)
    found = {(d.code, d.line) for d in check_source(JEDI_SCRIPT, "/tmp/jedi_case.py", config)}
    assert ("AZ401", 12) in found
    assert ("AZ205", 14) in found
    without = CheckConfig(dialect="classic", check_imports=False, use_jedi=False)
    plain = {(d.code, d.line) for d in check_source(JEDI_SCRIPT, "/tmp/jedi_case.py", without)}
    assert ("AZ401", 12) in plain and ("AZ205", 14) not in plain


CALL_WITH_TEXT_ARGUMENT = (
    "import pandas as pd\n"
    "TARGET = 'label'\n"
    "def rank(frame, target):\n"
    "    return pd.DataFrame({'feature': [target]})\n"
    "def azureml_main(dataframe1=None):\n"
    "    return (rank(dataframe1, TARGET),)\n"
)


def test_jedi_infers_a_call_result_not_its_last_argument() -> None:
    config = CheckConfig(dialect="designer", check_imports=False)
    found = [d.code for d in check_source(CALL_WITH_TEXT_ARGUMENT, "/tmp/call_case.py", config)]
    assert "AZ205" not in found


def test_item_assignment_keeps_a_frame_a_frame_without_jedi() -> None:
    import ast

    from azml_lsp.checker.context import Context

    source = (
        "def azureml_main(dataframe1=None):\n"
        "    summary = dataframe1.merge(dataframe1, on='k')\n"
        "    summary['n'] = 1\n"
        "    summary.total = 2\n"
        "    return summary,\n"
    )
    ctx = Context(source, "/tmp/item_case.py", CheckConfig(check_imports=False), ast.parse(source))
    assert ctx.entry_function is not None
    name = ctx.entry_function.body[-1].value.elts[0]  # type: ignore[attr-defined]
    assert ctx.inference.kind(name, ctx.entry_function, jedi=True).value == "a pandas DataFrame"
    assert ctx.inference.jedi_calls == 0


def test_checks_in_parallel_share_a_fresh_jedi_cache(tmp_path: Path) -> None:
    """Processes that fill jedi's parse cache at once (the server beside ``azml check``, parallel
    checks) all see the inferred types: none reads a half-written cache file."""
    script = tmp_path / "jedi_case.py"
    script.write_text(JEDI_SCRIPT, encoding="utf-8")
    command = [sys.executable, "-m", "azml_lsp", "check", "--dialect", "classic"]
    for attempt in range(2):
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / f"cache{attempt}")}
        checks = [
            subprocess.Popen(
                [*command, "--format", "json", str(script)], stdout=subprocess.PIPE, env=env
            )
            for _ in range(4)
        ]
        for check in checks:
            out, _ = check.communicate(timeout=300)
            found = {(d["code"], d["line"]) for d in json.loads(out)}
            assert {("AZ401", 12), ("AZ205", 14)} <= found, (attempt, found)
