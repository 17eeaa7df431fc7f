"""A closed document's parse trees leave parso's cache; other documents' stay."""

from __future__ import annotations

from pathlib import Path

import jedi
import parso.cache

from azml_lsp.server.parse_cache import forget_parsed


def _cached(path: Path) -> bool:
    return any(path in trees for trees in parso.cache.parser_cache.values())


def test_forget_parsed_drops_only_that_document(tmp_path: Path) -> None:
    closed, still_open = tmp_path / "closed.py", tmp_path / "open.py"
    for path in (closed, still_open):
        jedi.Script("import os\nos.\n", path=path).complete(2, 3)
    assert _cached(closed) and _cached(still_open)
    forget_parsed(str(closed))
    assert not _cached(closed)
    assert _cached(still_open)
    forget_parsed(str(tmp_path / "never_parsed.py"))
    assert _cached(still_open)
