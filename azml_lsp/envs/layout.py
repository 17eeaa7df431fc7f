"""Where twins live on disk, readable before anything heavy is imported: ``azml run --env NAME``
starts the twin's zygote from its record at once (:func:`recorded_interpreter`), and
:mod:`azml_lsp.envs.store` reads and checks the whole record later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from azml_lsp.cache import cache_root

RECORD = "twin.json"
SITE = "site"


class RecordedInterpreter(NamedTuple):
    """The interpreter a created twin's record names, and the folder of its packages."""

    name: str
    python: str
    site: str


def twins_root() -> Path:
    """The folder that holds every twin."""
    return cache_root() / "twins"


def recorded_interpreter(name: str) -> RecordedInterpreter | None:
    """Twin ``name``'s interpreter and package folder as its record says; None when ``name`` is
    not the name of a created twin's folder or its record cannot be read. Nothing else of the
    record is checked: :func:`azml_lsp.envs.store.lookup` does that before a run is prepared."""
    if not name or Path(name).name != name or name in (".", ".."):
        return None
    folder = twins_root() / name
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        python = str(data["python"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("name") != name or not Path(python).is_file():
        return None
    return RecordedInterpreter(name, python, str(folder / SITE))
