"""The per-environment member cache: read by introspection in the environment, stored on disk
under a key of its versions, read back by a later start, read again when the versions change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from azml_lsp.checker.frame_flow import PandasClass
from azml_lsp.server.member_cache import MemberCache, MemberSource, local_source
from azml_lsp.server.member_features import split_parameters


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AZML_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_members_are_introspected_stored_and_read_back(cache_dir: Path) -> None:
    source = local_source()
    assert ("pandas", pd.__version__) in source.versions
    members = MemberCache().members(source, PandasClass.DATAFRAME)
    assert members is not None
    names = [m.name for m in members]
    assert {"groupby", "merge", "shape"} <= set(names)
    assert names.index("merge") < names.index("_repr_html_") < names.index("__init__")
    assert source.file.parent == cache_dir / "members" and source.file.is_file()
    stored = source.file.stat().st_mtime_ns
    again = MemberCache().member(source, PandasClass.SERIES, "str")
    assert again is not None and again.type in ("property", "instance")
    assert source.file.stat().st_mtime_ns == stored  # read back, not introspected again


def test_changed_versions_read_the_members_again(cache_dir: Path) -> None:
    source = local_source()
    MemberCache().members(source, PandasClass.DATAFRAME)
    upgraded = replace(source, versions=(*source.versions[:-1], ("numpy", "0.0.1")))
    assert upgraded.file != source.file
    assert not upgraded.file.exists()
    assert MemberCache().members(upgraded, PandasClass.NDARRAY)
    assert upgraded.file.is_file() and source.file.is_file()


def test_an_unusable_environment_gives_none(cache_dir: Path) -> None:
    missing = MemberSource("gone", str(cache_dir / "no-python"), None, ())
    assert MemberCache().members(missing, PandasClass.DATAFRAME) is None
    assert not missing.file.exists()


def test_a_damaged_file_is_read_again(cache_dir: Path) -> None:
    source = local_source()
    source.file.parent.mkdir(parents=True)
    source.file.write_text('{"classes": [1', encoding="utf-8")
    assert MemberCache().members(source, PandasClass.INDEX)
    assert source.file.read_text(encoding="utf-8").startswith("{")


def test_split_parameters() -> None:
    assert split_parameters(
        "merge(right, how='inner', on=None, suffixes=('_x', '_y'), sep=',')"
    ) == ["right", "how='inner'", "on=None", "suffixes=('_x', '_y')", "sep=','"]
    assert split_parameters("name") == []
