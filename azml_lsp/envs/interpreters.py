"""Finding a CPython of a wanted ``major.minor`` on this machine.

Places, in order: an explicit path, ``PATH`` (``python3.8``, ``python3``, ``python``), pyenv
(``$PYENV_ROOT`` or ``~/.pyenv``), uv's managed interpreters, conda environments. Every candidate
is run once to read its real version, so a shim that cannot run or a look-alike is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from azml_lsp.envs.errors import NoInterpreterError

VERIFY_TIMEOUT_S = 20.0
_VERSION = re.compile(r"^(\d+)\.(\d+)$")
_PATCHED = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_QUERY = (
    "import platform, sys, sysconfig; "
    "print('%d.%d.%d' % sys.version_info[:3]); "
    "print(platform.python_implementation()); "
    "print(sys.executable); "
    "print(sysconfig.get_platform()); "
    "print(sys.maxunicode > 65535)"
)
_LAST_RELEASE = {
    "2.7": "2.7.18",
    "3.4": "3.4.10",
    "3.5": "3.5.10",
    "3.6": "3.6.15",
    "3.7": "3.7.17",
    "3.8": "3.8.20",
}
"""The final release of each Python that no longer gets releases (what to install)."""
_EXE = "python.exe" if sys.platform == "win32" else "python"


@dataclass(frozen=True)
class Interpreter:
    """A CPython that ran: its executable and full version (``2.7.18``)."""

    path: str
    version: str
    platform: str = ""
    """``sysconfig.get_platform()``: ``linux-x86_64``."""
    wide_unicode: bool = True
    """Python 2 only: a ``cp27mu`` build (UCS-4) rather than ``cp27m``."""

    @property
    def tag(self) -> str:
        """What decides which wheels fit: ``cp27mu-linux-x86_64``, ``cp38-linux-x86_64``."""
        abi = "cp" + self.minor.replace(".", "")
        if self.minor.startswith("2."):
            abi += "mu" if self.wide_unicode else "m"
        return f"{abi}-{self.platform or 'unknown'}".replace(".", "_")

    @property
    def minor(self) -> str:
        """``major.minor``: ``2.7``."""
        return ".".join(self.version.split(".")[:2])


def inspect(path: str | Path) -> Interpreter | None:
    """Run ``path`` and return what it is, or None when it does not run as a CPython."""
    try:
        done = subprocess.run(
            [str(path), "-E", "-s", "-c", _QUERY],
            capture_output=True,
            text=True,
            timeout=VERIFY_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.splitlines()
    if done.returncode != 0 or len(lines) < 5 or not _PATCHED.match(lines[0].strip()):
        return None
    if lines[1].strip() != "CPython":
        return None
    executable = lines[2].strip()
    chosen = executable if executable and Path(executable).is_file() else str(path)
    return Interpreter(chosen, lines[0].strip(), lines[3].strip(), lines[4].strip() == "True")


def find_interpreter(python: str, explicit: str | Path | None = None) -> Interpreter:
    """A CPython ``python`` (``"3.8"``): ``explicit`` when given (checked), else the first found.

    Raises NoInterpreterError naming what to install and where it looked."""
    if not _VERSION.match(python):
        raise ValueError(f"{python!r} is not a major.minor version")
    if explicit is not None:
        found = inspect(explicit)
        if found is None:
            raise NoInterpreterError(
                f"--python {explicit}: does not run as a CPython interpreter; give the path of a "
                f"CPython {python} executable"
            )
        if found.minor != python:
            raise NoInterpreterError(
                f"--python {explicit} is Python {found.version}, but this twin needs {python}: "
                f"give a CPython {python} executable"
            )
        return found
    seen: set[str] = set()
    for candidate in candidates(python):
        key = os.path.realpath(candidate)
        if key in seen:
            continue
        seen.add(key)
        found = inspect(candidate)
        if found is not None and found.minor == python:
            return found
    raise NoInterpreterError(
        f"no CPython {python} found: {install_hint(python)}, or pass --python PATH; "
        f"searched {', '.join(searched_places(python))}"
    )


def install_hint(python: str) -> str:
    """How to get a CPython ``python`` (``pyenv install 3.8.20 or uv python install 3.8``)."""
    release = _LAST_RELEASE.get(python, python)
    hint = f"install it with 'pyenv install {release}'"
    major, minor = (int(part) for part in python.split("."))
    if (major, minor) >= (3, 8):
        hint += f" or 'uv python install {python}'"
    return hint


def searched_places(python: str) -> list[str]:
    """The places :func:`candidates` looks in, in words, for error messages."""
    names = ", ".join(_path_names(python))
    return [
        f"PATH ({names})",
        str(_pyenv_root() / "versions" / f"{python}.*"),
        str(_uv_root() / f"cpython-{python}.*"),
        "conda environments (" + ", ".join(str(p) for p in _conda_roots()) + ")",
    ]


def candidates(python: str) -> Iterator[str]:
    """Executables that may be CPython ``python``, most likely first (not yet verified)."""
    for name in _path_names(python):
        found = shutil.which(name)
        if found:
            yield found
    yield from _pyenv(python)
    yield from _uv(python)
    yield from _conda(python)


def _path_names(python: str) -> list[str]:
    major = python.split(".")[0]
    return [f"python{python}", f"python{major}", "python"]


def _newest_first(folders: list[Path], pattern: re.Pattern[str]) -> list[Path]:
    """Folders whose name matches ``pattern`` (group 1 the patch number), newest patch first."""
    ranked = []
    for folder in folders:
        match = pattern.match(folder.name)
        if match:
            ranked.append((int(match.group(1)), folder))
    return [folder for _, folder in sorted(ranked, key=lambda item: item[0], reverse=True)]


def _pyenv_root() -> Path:
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def _pyenv(python: str) -> Iterator[str]:
    versions = _pyenv_root() / "versions"
    pattern = re.compile(rf"^{re.escape(python)}\.(\d+)$")
    folders = _newest_first(_children(versions), pattern)
    for folder in folders:
        yield str(folder / "bin" / _EXE) if sys.platform != "win32" else str(folder / _EXE)


def _uv_root() -> Path:
    explicit = os.environ.get("UV_PYTHON_INSTALL_DIR")
    if explicit:
        return Path(explicit)
    data = os.environ.get("XDG_DATA_HOME")
    return (Path(data) if data else Path.home() / ".local" / "share") / "uv" / "python"


def _uv(python: str) -> Iterator[str]:
    pattern = re.compile(rf"^cpython-{re.escape(python)}\.(\d+)-")
    for folder in _newest_first(_children(_uv_root()), pattern):
        if sys.platform == "win32":
            yield str(folder / _EXE)
        else:
            yield str(folder / "bin" / f"python{python}")


def _conda_roots() -> list[Path]:
    home = Path.home()
    roots = [home / name for name in ("miniconda3", "anaconda3", "miniforge3", "mambaforge")]
    roots.append(home / ".conda")
    prefix = os.environ.get("CONDA_PREFIX")
    if prefix:
        roots.insert(0, Path(prefix))
    return roots


def _conda(python: str) -> Iterator[str]:
    """Conda prefixes that hold ``lib/pythonX.Y`` (checked without running anything)."""
    for root in _conda_roots():
        for prefix in (root, *_children(root / "envs")):
            if sys.platform == "win32":
                if (prefix / _EXE).is_file():
                    yield str(prefix / _EXE)
            elif (prefix / "lib" / f"python{python}").is_dir():
                yield str(prefix / "bin" / f"python{python}")


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []
