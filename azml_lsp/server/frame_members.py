"""What ``dataframe1.`` completes to, kept on disk between server runs.

The module passes DataFrames to ``azureml_main``'s first two parameters, so their members are
known once pandas has been inferred. jedi needs seconds for that after every start; the names and
kinds are therefore stored in the cache folder, keyed by the versions of Python, jedi, pandas and
azml-lsp, and a new server completes ``dataframe1.`` from them at once while jedi warms up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import jedi

from azml_lsp import __version__
from azml_lsp.server.jedi_project import cache_root


@dataclass(frozen=True)
class Member:
    """One completion after a frame parameter: its name and jedi's kind (``function``...)."""

    name: str
    type: str


def _key() -> str:
    try:
        pandas = metadata.version("pandas")
    except metadata.PackageNotFoundError:
        pandas = "none"
    text = f"{sys.version}|{jedi.__version__}|{pandas}|{__version__}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_file() -> Path:
    return cache_root() / f"frame-members-{_key()}.json"


def load() -> list[Member] | None:
    """The stored members for this environment, None when there are none (or unreadable)."""
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
        return [Member(str(m["name"]), str(m["type"])) for m in data]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(members: list[Member]) -> None:
    """Write the members atomically; a failure only means the next start infers them again."""
    target = cache_file()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".frame-members-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump([asdict(m) for m in members], handle)
        os.replace(temp, target)
