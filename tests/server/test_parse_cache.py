"""A closed document's parse trees leave parso's cache and ours; other documents' stay."""

from __future__ import annotations

from pathlib import Path

import jedi
import parso.cache

from azml_lsp.server.jedi_source import forget_virtual_sources, virtual_source
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


def test_the_last_virtual_copy_is_reused_until_forgotten() -> None:
    source = "def azureml_main(dataframe1=None, dataframe2=None):\n    return dataframe1,\n"
    first = virtual_source(source)
    assert virtual_source("".join(list(source))) is first  # an equal text, another object
    assert virtual_source(source + "\n") is not first
    again = virtual_source(source)
    forget_virtual_sources()
    assert virtual_source(source) is not again
