"""jedi projects that see a script's Script Bundle.

A folder bundle goes on jedi's ``sys_path`` as it is, so definitions open the user's own files. A
zip bundle is materialised once into a read-only copy in the cache directory (keyed by the zip's
path, size and modification time) and that copy goes on the path.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import stat
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import jedi
import jedi.api.environment

from azml_lsp.bundles import BundleError, extract_bundle
from azml_lsp.cache import cache_root

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_projects: dict[tuple[str | None, ...], jedi.Project] = {}


def cache_dir() -> Path:
    """Where materialised bundles live."""
    return cache_root() / "bundles"


def materialise_zip(zip_path: Path) -> Path:
    """A read-only extracted copy of a bundle zip; extracted once per version of the zip.

    Raises BundleError for a zip the runtime would refuse."""
    info = zip_path.stat()
    key = f"{zip_path.resolve()}:{info.st_size}:{info.st_mtime_ns}"
    target = cache_dir() / hashlib.sha256(key.encode()).hexdigest()[:16]
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".extract-"))
    try:
        extract_bundle(zip_path, scratch)  # the runtime's rules: no traversal, no zip bombs
        for path in scratch.rglob("*"):
            if path.is_file():
                path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        with contextlib.suppress(OSError):  # another thread or process extracted it first
            scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # only left when another copy won the race
    return target


def bundle_sys_path(bundle: str | None) -> str | None:
    """The folder jedi should import bundle modules from, or None (no bundle, or unusable)."""
    if not bundle:
        return None
    path = Path(bundle)
    if path.is_dir():
        return str(path.resolve())
    if path.is_file():
        try:
            return str(materialise_zip(path))
        except (OSError, BundleError):
            return None
    return None


def project_for(root: str, bundle: str | None) -> jedi.Project:
    """The (cached) jedi project of a script folder and its bundle."""
    extra = bundle_sys_path(bundle)
    key = (root, extra)
    with _lock:
        project = _projects.get(key)
        if project is None:
            project = jedi.Project(root, added_sys_path=[extra] if extra else [])
            _projects[key] = project
        return project


def twin_project_for(root: str, bundle: str | None, site: str) -> jedi.Project:
    """The (cached) jedi project of a script folder and its bundle under a cloud twin: the
    twin's packages (its ``site`` folder) instead of the server's, beside the server's
    standard library (jedi cannot run on a twin's old Python; a twin's site folder is read
    as source)."""
    extra = bundle_sys_path(bundle)
    key = (root, extra, site)
    with _lock:
        project = _projects.get(key)
        if project is None:
            paths = [*([extra] if extra else []), site, *_standard_library()]
            project = jedi.Project(root, sys_path=paths)
            _projects[key] = project
        return project


def _standard_library() -> list[str]:
    """The server's standard library folders (no site-packages)."""
    paths = sysconfig.get_paths()
    found = [paths["stdlib"], paths["platstdlib"], str(Path(paths["platstdlib"]) / "lib-dynload")]
    return list(dict.fromkeys(p for p in found if Path(p).is_dir()))


def isolated_environment() -> jedi.api.environment.Environment | None:
    """The server's own Python as a jedi environment with its own helper process: where jedi
    loads compiled modules from a twin's site folder, they load there, never in the server
    (None, logged once, when jedi cannot start it)."""
    return environment_for(sys.executable)


_environments: dict[str, jedi.api.environment.Environment | None] = {}


def environment_for(python: str | None) -> jedi.api.environment.Environment | None:
    """jedi's environment of the interpreter that runs scripts (None: the server's own, also
    when ``python`` is not a usable interpreter: that is logged once)."""
    if not python:
        return None
    with _lock:
        if python not in _environments:
            try:
                _environments[python] = jedi.create_environment(python, safe=False)
            except jedi.InvalidPythonEnvironment as exc:
                logger.warning(
                    "jedi cannot use %s (%s); completing with the server's Python", python, exc
                )
                _environments[python] = None
        return _environments[python]
