"""Per-script settings: header, pyproject tables, precedence, saving inputs, errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from azml_lsp.checker import CheckConfig, check_source
from azml_lsp.contract import PROFILES, Dialect
from azml_lsp.settings import SettingsError, load_settings, save_script_inputs


def project(tmp_path: Path, pyproject: str, script: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    path = tmp_path / "jobs" / "score.py"
    path.parent.mkdir()
    path.write_text(script)
    return path


def test_precedence_header_over_script_table_over_tool_table(tmp_path: Path) -> None:
    script = project(
        tmp_path,
        '[tool.azml]\ndialect = "designer"\ntarget-python = "3.8"\ntimeout = 30\n\n'
        '[tool.azml.scripts."jobs/score.py"]\ndialect = "classic"\ndataset1 = "data/a.csv"\n',
        "# azml: target-python=2.7 dataset2=b.csv\n",
    )
    settings = load_settings(script)
    assert settings.dialect == "classic"
    assert settings.target_python == "2.7"
    assert settings.timeout == 30.0
    assert settings.dataset1 == str((tmp_path / "data" / "a.csv").resolve())
    assert settings.dataset2 == str((script.parent / "b.csv").resolve())
    assert len(settings.sources) == 3
    assert settings.merged(dialect="designer", bundle=None).dialect == "designer"


def test_the_strongest_source_naming_python_or_env_decides_where_runs_happen(
    tmp_path: Path,
) -> None:
    script = project(
        tmp_path,
        '[tool.azml]\npython = "/usr/bin/python3"\n',
        "# azml: env=classic-py27\n",
    )
    settings = load_settings(script)
    assert (settings.env, settings.python) == ("classic-py27", None)
    assert settings.merged(python="/opt/python").env is None
    assert settings.merged(env="local").python is None
    both = settings.merged(python="/opt/python", env="local")
    assert (both.python, both.env) == ("/opt/python", "local")  # one source: left to the runner
    (tmp_path / "same").mkdir()
    same = project(tmp_path / "same", '[tool.azml]\npython = "py"\nenv = "local"\n')
    assert (load_settings(same).python, load_settings(same).env) == ("py", "local")


def test_config_for_file_reads_settings_and_overrides(tmp_path: Path) -> None:
    script = project(tmp_path, '[tool.azml]\ndialect = "classic"\nignore = ["AZ5"]\n')
    config = CheckConfig.for_file(script)
    assert config.dialect is Dialect.CLASSIC and config.python == "3.5"
    assert "AZ501" not in config.enabled_codes()
    override = CheckConfig.for_file(script, dialect="designer")
    designer_python = PROFILES[Dialect.DESIGNER].default_target_python  # its default twin's
    assert override.dialect is Dialect.DESIGNER and override.python == designer_python


@pytest.mark.parametrize(
    ("pyproject", "header", "named"),
    [
        ("[tool.azml]\ncolour = 1\n", "", "colour"),
        ("[tool.azml\n", "", "invalid TOML"),
        ('[tool.azml]\ndialect = "cloud"\n', "", "dialect"),
        ("[tool.azml]\n", "# azml: flavour=x\n", "flavour"),
        ("[tool.azml]\n", "# azml: target-python=three\n", "target-python"),
        ('[tool.azml.scripts."jobs/score.py"]\nspeed = 2\n', "", "speed"),
    ],
)
def test_bad_settings_name_file_and_key(
    tmp_path: Path, pyproject: str, header: str, named: str
) -> None:
    script = project(tmp_path, pyproject, header)
    with pytest.raises(SettingsError, match=named) as info:
        load_settings(script)
    assert str(tmp_path) in str(info.value)


def test_suppression_comments_are_not_settings(tmp_path: Path) -> None:
    script = project(tmp_path, "[tool.azml]\n", "import x  # azml: ignore[AZ501]\n")
    assert load_settings(script).dataset1 is None


def test_save_inputs_keeps_other_content(tmp_path: Path) -> None:
    original = (
        '# project file\n[project]\nname = "demo"  # keep me\n\n'
        '[tool.azml]\ndialect = "classic"\n\n[tool.other]\nx = 1\n'
    )
    script = project(tmp_path, original)
    (tmp_path / "data").mkdir()
    written = save_script_inputs(script, dataset1=tmp_path / "data" / "t.csv")
    text = written.read_text()
    assert text.startswith(original)
    assert load_settings(script).dataset1 == str((tmp_path / "data" / "t.csv").resolve())
    save_script_inputs(script, dataset2="elsewhere.csv", dataset1="")
    data = tomllib.loads(written.read_text())
    table = data["tool"]["azml"]["scripts"]["jobs/score.py"]
    assert "dataset1" not in table and table["dataset2"].endswith("elsewhere.csv")
    assert data["tool"]["other"] == {"x": 1}
    assert written.read_text().count("[tool.azml.scripts.") == 1


def test_save_inputs_creates_pyproject_beside_script(tmp_path: Path) -> None:
    script = tmp_path / "alone.py"
    script.write_text("")
    written = save_script_inputs(script, bundle=tmp_path / "lib")
    assert written == tmp_path / "pyproject.toml"
    assert load_settings(script).bundle == str((tmp_path / "lib").resolve())


def test_header_values_keep_backslashes_and_quotes(tmp_path: Path) -> None:
    script = project(
        tmp_path, "[tool.azml]\n", '# azml: dataset1="my data/a b.csv" dataset2=sub\\x.csv\n'
    )
    settings = load_settings(script)
    assert settings.dataset1 == str((script.parent / "my data" / "a b.csv").resolve())
    assert settings.dataset2 is not None and settings.dataset2.endswith("sub\\x.csv")


def test_header_ignore_applies_to_the_file(tmp_path: Path) -> None:
    source = "# azml: ignore=AZ5,AZ105\nimport no_such_module_azml\ndef azureml_main(df):\n    return df,\n"
    script = project(tmp_path, "[tool.azml]\n", source)
    config = CheckConfig.for_file(script, source, use_jedi=False)
    assert check_source(source, str(script), config) == []
