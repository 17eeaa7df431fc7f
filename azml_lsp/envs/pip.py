"""Running a twin interpreter's own pip: fetch wheels into a wheelhouse, install from it.

Wheels are downloaded once per interpreter kind into ``<pip cache>/wheelhouse/<tag>/`` (a file
appears there by rename only, so concurrent creates never see a partial wheel) and every install
runs with ``--no-index`` from that folder. pip's own cache depends on the index's cache headers;
the wheelhouse does not, and lets a twin be rebuilt offline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from azml_lsp.envs import store
from azml_lsp.envs.errors import InstallError
from azml_lsp.envs.interpreters import Interpreter
from azml_lsp.envs.pipout import PipOutput
from azml_lsp.envs.specs import normalise

Hashes = Mapping[str, Sequence[str]]
STALE_DOWNLOAD_S = 3600.0


def wheelhouse(interpreter: Interpreter) -> Path:
    """The folder of downloaded wheels that fit ``interpreter``."""
    return store.pip_cache() / "wheelhouse" / interpreter.tag


def cached_wheel(house: Path, requirement: str) -> Path | None:
    """A wheel for ``requirement`` (``name==version``) in ``house``, or None."""
    name, version = requirement.split("==")
    try:
        files = sorted(house.iterdir())
    except OSError:
        return None
    for path in files:
        parts = path.name.split("-")
        fits = path.suffix == ".whl" and len(parts) >= 5 and parts[1] == version
        if fits and normalise(parts[0]) == normalise(name):
            return path
    return None


def write_requirements(path: Path, requirements: Sequence[str], hashes: Hashes | None) -> None:
    """A requirements file of exact pins, each with its ``--hash`` options when given."""
    lines = []
    for requirement in requirements:
        options = [f"--hash={h}" for h in (hashes or {}).get(requirement, [])]
        lines.append(" ".join([requirement, *options]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fetch(
    interpreter: Interpreter,
    requirements: Sequence[str],
    hashes: Hashes | None,
    house: Path,
    output: PipOutput,
) -> None:
    """Download the wheels of ``requirements`` (no dependencies) into ``house``."""
    house.mkdir(parents=True, exist_ok=True)
    _clean_stale_downloads(house)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=house) as scratch:
        folder = Path(scratch)
        listing = folder / "requirements.txt"
        write_requirements(listing, requirements, hashes)
        args = ["download", "--no-deps", "--only-binary=:all:", "-d", str(folder / "wheels")]
        args += ["--cache-dir", str(store.pip_cache()), "-r", str(listing)]
        if hashes is not None:
            args.append("--require-hashes")
        run(interpreter, args, output)
        for wheel in (folder / "wheels").glob("*.whl"):
            os.replace(wheel, house / wheel.name)


def _clean_stale_downloads(house: Path) -> None:
    """Remove the download folders of fetches killed over an hour ago."""
    for folder in house.glob(".download-*"):
        with contextlib.suppress(OSError):
            if time.time() - folder.stat().st_mtime > STALE_DOWNLOAD_S:
                shutil.rmtree(folder, ignore_errors=True)


def install(
    interpreter: Interpreter,
    requirements_file: Path,
    site: Path,
    house: Path,
    check_hashes: bool,
    output: PipOutput,
) -> None:
    """Install the pins of ``requirements_file`` from ``house`` into ``site`` (no index)."""
    args = ["install", "--target", str(site), "--no-deps", "--only-binary=:all:", "--no-compile"]
    args += ["--no-index", "--find-links", str(house), "--no-warn-script-location"]
    args += ["--cache-dir", str(store.pip_cache()), "-r", str(requirements_file)]
    if check_hashes:
        args.append("--require-hashes")
    run(interpreter, args, output)


def run(interpreter: Interpreter, args: list[str], output: PipOutput) -> None:
    """Run ``python -m pip ARGS``, feeding its output to ``output``; InstallError on failure."""
    command = [interpreter.path, "-E", "-s", "-m", "pip", *args]
    command += ["--disable-pip-version-check", "--progress-bar", "off"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=pip_env(),
    )
    assert process.stdout is not None
    try:
        for raw in process.stdout:
            output.feed(raw.decode("utf-8", errors="replace"))
        code = process.wait()
    except BaseException:
        with contextlib.suppress(OSError):
            process.kill()
        process.wait()
        raise
    if code != 0:
        tail = list(output.tail)
        if any("No module named pip" in line for line in tail):
            raise InstallError(
                f"{interpreter.path} has no pip: run '{interpreter.path} -m ensurepip' or pick "
                "another interpreter with --python",
                tail,
            )
        raise InstallError(f"pip {args[0]} failed", tail)


def pip_env() -> dict[str, str]:
    """The environment for pip: the user's pip settings, minus those that fight ``--target``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(
        PIP_NO_INPUT="1",
        PIP_USER="0",
        PIP_REQUIRE_VIRTUALENV="0",
        PIP_NO_PYTHON_VERSION_WARNING="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_ROOT_USER_ACTION="ignore",
    )
    for key in ("PIP_TARGET", "PIP_PREFIX", "PIP_ROOT"):
        env.pop(key, None)
    return env
