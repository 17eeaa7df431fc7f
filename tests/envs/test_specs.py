"""Which twins exist: built-in ones and those a pyproject.toml declares, with precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.twins import BUILTIN_TWINS, Pin
from azml_lsp.envs.errors import SpecError
from azml_lsp.envs.store import all_specs, spec_digest, spec_of


def _project(tmp_path: Path, table: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    return tmp_path / "sub"  # the nearest pyproject upward is found


def test_builtin_twins_are_known_without_a_project(tmp_path: Path) -> None:
    assert spec_of("designer", tmp_path) is BUILTIN_TWINS["designer"]
    assert [s.name for s in all_specs(tmp_path)] == list(BUILTIN_TWINS)


def test_requirements_list(tmp_path: Path) -> None:
    start = _project(
        tmp_path,
        '[tool.azml.envs.scoring]\npython = "3.8"\nrequirements = ["pandas==1.1.5", "six == 1.16.0"]\n'
        'dialect = "classic"\n',
    )
    spec = spec_of("scoring", start)
    assert spec.python == "3.8"
    assert spec.packages == (Pin("pandas", "1.1.5"), Pin("six", "1.16.0"))
    assert spec.dialect is Dialect.CLASSIC
    assert spec.builtin is False
    assert spec.requirements == ["pandas==1.1.5", "six==1.16.0"]
    assert [s.name for s in all_specs(start)][-1] == "scoring"


def test_requirements_file(tmp_path: Path) -> None:
    start = _project(
        tmp_path,
        '[tool.azml.envs.r]\npython = "3.7"\nrequirements-file = "reqs.txt"\n',
        {"reqs.txt": "# pinned in the cloud\nnumpy==1.19.5  # comment\n\nsix==1.16.0\n"},
    )
    spec = spec_of("r", start)
    assert spec.requirements == ["numpy==1.19.5", "six==1.16.0"]
    assert spec.dialect is Dialect.DESIGNER


def test_conda_file(tmp_path: Path) -> None:
    conda = (
        "name: project_environment\n"
        "channels: [conda-forge]\n"
        "dependencies:\n"
        "  - python=3.8.5\n"
        "  - pip=20.1.1\n"
        "  - conda-forge::numpy=1.19.5=py38h18fd61f_0\n"
        "  - pip:\n"
        "    - azureml-defaults==1.20.0\n"
        "    - six==1.16.0\n"
    )
    start = _project(
        tmp_path, '[tool.azml.envs.c]\nconda-file = "environment.yml"\n', {"environment.yml": conda}
    )
    spec = spec_of("c", start)
    assert spec.python == "3.8"
    assert spec.requirements == ["numpy==1.19.5", "azureml-defaults==1.20.0", "six==1.16.0"]


@pytest.mark.parametrize(
    ("table", "files", "expected"),
    [
        (
            '[tool.azml.envs.x]\npython = "3.8"\nrequirements = ["six"]\nmirror = 1\n',
            {},
            ["[tool.azml.envs.x]", "unknown key 'mirror'", "known keys"],
        ),
        (
            '[tool.azml.envs.x]\npython = 3.8\nrequirements = ["six==1.16.0"]\n',
            {},
            ["[tool.azml.envs.x] key 'python'", '"3.8"'],
        ),
        (
            '[tool.azml.envs.x]\npython = "3.8"\nrequirements = ["six>=1.0"]\n',
            {},
            ["key 'requirements'", "'six>=1.0' is not an exact pin", "NAME==VERSION"],
        ),
        (
            '[tool.azml.envs.x]\npython = "3.8"\nrequirements = ["six==1"]\ndialect = "studio"\n',
            {},
            ["key 'dialect'", "unknown dialect 'studio'"],
        ),
        (
            '[tool.azml.envs.x]\nrequirements = ["six==1.16.0"]\n',
            {},
            ["key 'python' is missing"],
        ),
        (
            '[tool.azml.envs.x]\npython = "3.8"\n',
            {},
            ["give exactly one of requirements, requirements-file, conda-file"],
        ),
        (
            '[tool.azml.envs.designer]\npython = "3.8"\nrequirements = ["six==1.16.0"]\n',
            {},
            ["is a built-in twin"],
        ),
        (
            '[tool.azml.envs.x]\npython = "3.8"\nrequirements-file = "r.txt"\n',
            {"r.txt": "six==1.16.0\n-i https://example.org/simple\n"},
            ["r.txt:2", "option '-i' is not supported"],
        ),
        (
            '[tool.azml.envs.x]\nconda-file = "env.yml"\n',
            {"env.yml": "dependencies:\n  - python=3.8\n  - pip:\n    - azureml-defaults\n"},
            ["env.yml", "'azureml-defaults' is not an exact pin"],
        ),
        (
            '[tool.azml.envs.x]\nconda-file = "env.yml"\n',
            {"env.yml": "dependencies:\n  - python=3.8\n  - scikit-learn\n"},
            ["env.yml", "entry 'scikit-learn' is not an exact pin", "scikit-learn=VERSION"],
        ),
        (
            '[tool.azml.envs.x]\npython = "3.7"\nconda-file = "env.yml"\n',
            {"env.yml": "dependencies:\n  - python=3.8\n"},
            ["key 'python' says 3.7", "python=3.8"],
        ),
        (
            '[tool.azml.envs.x]\npython = "3.8"\nrequirements-file = "missing.txt"\n',
            {},
            ["missing.txt: file not found"],
        ),
    ],
    ids=[
        "unknown-key",
        "python-not-a-string",
        "range",
        "dialect",
        "no-python",
        "no-source",
        "builtin-name",
        "requirements-option",
        "conda-pip-unpinned",
        "conda-unpinned",
        "python-disagrees",
        "missing-file",
    ],
)
def test_errors_name_the_file_and_key(
    tmp_path: Path, table: str, files: dict[str, str], expected: list[str]
) -> None:
    start = _project(tmp_path, table, files)
    with pytest.raises(SpecError) as caught:
        spec_of("x", start)
    message = str(caught.value)
    assert str(tmp_path) in message
    for part in expected:
        assert part in message, message


def test_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    start = _project(tmp_path, '[tool.azml.envs.mine]\npython = "3.8"\nrequirements = []\n')
    with pytest.raises(SpecError) as caught:
        spec_of("nope", start)
    message = str(caught.value)
    assert "unknown twin 'nope'" in message
    assert ", ".join([*sorted(BUILTIN_TWINS), "mine"]) in message
    assert str(tmp_path / "pyproject.toml") in message


def test_digest_follows_python_and_pins(tmp_path: Path) -> None:
    start = _project(
        tmp_path,
        '[tool.azml.envs.a]\npython = "3.8"\nrequirements = ["six==1.16.0", "pytz==2021.3"]\n'
        '[tool.azml.envs.b]\npython = "3.8"\nrequirements = ["pytz==2021.3", "six==1.16.0"]\n'
        '[tool.azml.envs.c]\npython = "3.7"\nrequirements = ["pytz==2021.3", "six==1.16.0"]\n',
    )
    a, b, c = (spec_of(name, start) for name in "abc")
    assert spec_digest(a) == spec_digest(b) != spec_digest(c)
