"""The members of pandas' classes per environment, read once and kept on disk.

What ``frame.`` completes to depends only on the class of ``frame`` and on the pandas of the
environment the script runs in (this machine's, or a cloud twin's). For every class of
:class:`~azml_lsp.checker.frame_flow.PandasClass` the names, kinds, signatures and docs are
read once per environment by introspection in that environment's interpreter
(``azml_lsp/harness/members.py``), stored in the cache folder under a key made of the
environment's Python and package versions, and served from memory afterwards: completion,
resolve, hover and signature help on a member never run inference or a subprocess per request.
A change of versions (a re-created twin, an upgraded pandas) changes the key, so the members are
read again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from azml_lsp import __version__
from azml_lsp.cache import cache_root
from azml_lsp.checker.frame_flow import PandasClass

logger = logging.getLogger(__name__)
INTROSPECTION = str(Path(__file__).resolve().parent.parent / "harness" / "members.py")
_FORMAT = 1
_TIMEOUT_S = 120
_HOST_ONLY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")


@dataclass(frozen=True)
class Member:
    """One attribute of a class: its name, kind (``function``, ``property``...), signature
    (empty when unknown) and docstring."""

    name: str
    type: str
    signature: str = ""
    doc: str = ""


@dataclass(frozen=True)
class MemberSource:
    """An environment whose classes are described: the interpreter, the twin's package folder
    (None: the interpreter's own packages) and the versions the description depends on."""

    name: str
    python: str
    site: str | None
    versions: tuple[tuple[str, str], ...]

    @property
    def readable_site(self) -> str | None:
        """A twin's site folder when jedi can read its packages as source (Python 3), else
        None (this server's own packages, or a Python 2 twin's)."""
        python = dict(self.versions).get("python", "")
        return self.site if self.site and python.startswith("3.") else None

    @property
    def key(self) -> str:
        text = f"{_FORMAT}|{__version__}|{self.name}|{self.python}|{self.site}|{self.versions}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def file(self) -> Path:
        return cache_root() / "members" / f"{self.name}-{self.key}.json"


@functools.cache
def local_source() -> MemberSource:
    """The server's own Python and packages (read once: the server's pandas is imported once)."""
    versions = [("python", sys.version.split()[0])]
    for package in ("pandas", "numpy"):
        try:
            versions.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            versions.append((package, "none"))
    return MemberSource("local", sys.executable, None, tuple(versions))


_twin_sources: dict[str, tuple[int, MemberSource | None]] = {}


def twin_source(name: str) -> MemberSource | None:
    """A created cloud twin's Python and packages; None when it is not created (or unusable).
    Read again only when the twin's record changes (a request costs one ``stat``)."""
    from azml_lsp.envs.store import RECORD, twin_folder

    try:
        stamp = (twin_folder(name) / RECORD).stat().st_mtime_ns
    except (OSError, ValueError):
        stamp = -1
    kept = _twin_sources.get(name)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    found = _read_twin_source(name)
    _twin_sources[name] = (stamp, found)
    return found


def _read_twin_source(name: str) -> MemberSource | None:
    from azml_lsp.envs.store import installed

    twin = installed(name)
    if twin is None:
        return None
    versions = [("python", twin.python_version), ("digest", twin.digest)]
    versions += sorted(twin.packages.items())
    return MemberSource(name, twin.python, twin.site, tuple(versions))


@dataclass
class _Table:
    classes: dict[str, list[Member]]
    by_name: dict[str, dict[str, Member]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {c: {m.name: m for m in ms} for c, ms in self.classes.items()}


class MemberCache:
    """The member tables of the environments used in this run, read on first use."""

    def __init__(self) -> None:
        self._tables: dict[str, _Table | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def members(self, source: MemberSource, cls: PandasClass) -> list[Member] | None:
        """The members of ``cls`` in ``source``'s environment, in completion order; None when
        the environment cannot be described. Blocks while a first reading runs.

        The one place members come from: a filter by deployment target belongs here."""
        table = self._table(source)
        return table.classes.get(cls.value) if table is not None else None

    def member(self, source: MemberSource, cls: PandasClass, name: str) -> Member | None:
        table = self._table(source)
        return table.by_name.get(cls.value, {}).get(name) if table is not None else None

    def is_ready(self, source: MemberSource) -> bool:
        """Whether the members are in memory (no wait, no disk read)."""
        return self._tables.get(source.key) is not None

    def _table(self, source: MemberSource) -> _Table | None:
        key = source.key
        if key in self._tables:
            return self._tables[key]
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._tables:
                self._tables[key] = _load(source) or _compute(source)
            return self._tables[key]


def _load(source: MemberSource) -> _Table | None:
    try:
        data = json.loads(source.file.read_text(encoding="utf-8"))
        return _table_of(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _table_of(data: dict[str, object]) -> _Table:
    raw = data["classes"]
    assert isinstance(raw, dict)
    classes = {
        name: sorted((Member(*(str(v) for v in m)) for m in members), key=_order)
        for name, members in raw.items()
    }
    return _Table(classes)


def _order(member: Member) -> tuple[bool, bool, str]:
    """Public names first, then private ones, then dunders (as jedi orders them)."""
    name = member.name
    return name.startswith("__"), name.startswith("_"), name.lower()


def _compute(source: MemberSource) -> _Table | None:
    """Introspect the environment's classes and store them; None (logged) when that fails."""
    env = {k: v for k, v in os.environ.items() if source.site is None or k not in _HOST_ONLY}
    command = [source.python, *(["-s"] if source.site else []), INTROSPECTION, source.site or ""]
    try:
        done = subprocess.run(
            command, capture_output=True, env=env, timeout=_TIMEOUT_S, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.warning("cannot read the members of pandas in %s: %s", source.name, exc)
        return None
    if done.returncode != 0:
        logger.warning(
            "cannot read the members of pandas in %s: %s",
            source.name,
            done.stderr.decode(errors="replace")[-2000:],
        )
        return None
    try:
        data = json.loads(done.stdout)
        table = _table_of(data)
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        logger.warning("unreadable members of pandas from %s: %s", source.name, exc)
        return None
    _store(source.file, done.stdout)
    return table


def _store(target: Path, content: bytes) -> None:
    """Write atomically; a failure only means the next start reads the members again."""
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".members-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, target)
