"""DataFrame members stored on disk and read back by a later server start."""

from __future__ import annotations

from pathlib import Path

import pytest

from azml_lsp.server import frame_members
from azml_lsp.server.frame_members import Member


def test_members_round_trip_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZML_CACHE_DIR", str(tmp_path))
    assert frame_members.load() is None
    members = [Member("groupby", "function"), Member("shape", "property")]
    frame_members.store(members)
    assert frame_members.cache_file().parent == tmp_path
    assert frame_members.load() == members


def test_damaged_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZML_CACHE_DIR", str(tmp_path))
    frame_members.cache_file().write_text('[{"name": 1', encoding="utf-8")
    assert frame_members.load() is None
