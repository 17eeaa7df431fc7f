"""Building a twin: interpreter, wheels, ``pip install --target``, probe, rename into place.

The build happens in ``<root>/twins/.<name>.partial-XXXX``; only a build whose probe imports
every pinned package at its pinned version is renamed to ``<root>/twins/<name>``. A failed or
interrupted build removes its folder; one killed outright leaves it to the next create of the
same twin, which removes it first. Creates of one twin are serialised by a lock file.

Nothing is byte-compiled at install time (``--no-compile``): compiling whole packages costs
more than the install, and bytecode compiled in the partial folder would name that folder in
Python 2 tracebacks. Each module is compiled on its first import from the twin's final place.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from azml_lsp.contract.twins import TwinSpec
from azml_lsp.envs import hashes, pip, store
from azml_lsp.envs.errors import InstallError
from azml_lsp.envs.interpreters import Interpreter, find_interpreter
from azml_lsp.envs.pipout import PipOutput, Say
from azml_lsp.envs.probe import ProbeError, probe
from azml_lsp.envs.specs import normalise

REQUIREMENTS = "requirements.txt"


@dataclass(frozen=True)
class CreateResult:
    """The twin, whether this call built it, whether hashes were checked, and the time taken."""

    twin: store.InstalledTwin
    built: bool
    hashes_checked: bool = False
    seconds: float = 0.0


def create(
    name: str,
    *,
    python: str | Path | None = None,
    force: bool = False,
    project_dir: Path | None = None,
    say: Say = print,
    status: Say | None = None,
) -> CreateResult:
    """Create twin ``name`` (built-in or declared in the project's pyproject.toml).

    Does nothing when it exists and was built from the same Python and pins (and ``python``,
    if given, is the interpreter it uses), unless ``force``. ``say`` gets the lines to show,
    ``status`` the transient progress. Raises SpecError, NoInterpreterError or InstallError."""
    started = time.monotonic()
    spec = store.spec_of(name, project_dir)
    with store.locked(name):
        store.clean_leftovers(name)
        explicit = find_interpreter(spec.python, python) if python is not None else None
        existing = store.installed(name)
        up_to_date = existing is not None and existing.matches(spec) and not force
        if (
            existing
            and up_to_date
            and (explicit is None or _same_file(explicit.path, existing.python))
        ):
            return CreateResult(existing, built=False)
        interpreter = explicit or find_interpreter(spec.python)
        say(f"creating the {name} twin with Python {interpreter.version} ({interpreter.path})")
        twin, checked = _build(spec, interpreter, say, status)
        return CreateResult(
            twin, built=True, hashes_checked=checked, seconds=time.monotonic() - started
        )


def _build(
    spec: TwinSpec, interpreter: Interpreter, say: Say, status: Say | None
) -> tuple[store.InstalledTwin, bool]:
    partial = store.scratch_folder(spec.name, "partial")
    partial.chmod(0o777 & ~_umask())
    try:
        site = partial / store.SITE
        final_site = store.twin_folder(spec.name) / store.SITE
        recorded, note = hashes.hashes_for(spec)
        if recorded is None:
            say(note)
        _fetch_and_install(spec, interpreter, recorded, partial, say, status)
        if status:
            status("checking that every package imports")
        versions = _verified(spec, interpreter, site)
        twin = store.InstalledTwin(
            name=spec.name,
            python=interpreter.path,
            python_version=interpreter.version,
            site=str(final_site),
            packages=versions,
            spec=spec,
            folder=store.twin_folder(spec.name),
            digest=store.spec_digest(spec),
            created=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            size=store.folder_size(partial),
        )
        store.write_record(partial, twin)
        store.put_in_place(partial, spec.name)
        return twin, recorded is not None
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)


def _fetch_and_install(
    spec: TwinSpec,
    interpreter: Interpreter,
    recorded: pip.Hashes | None,
    partial: Path,
    say: Say,
    status: Say | None,
) -> None:
    """Download the wheels the wheelhouse lacks, then install every pin from it into the twin."""
    house = pip.wheelhouse(interpreter)
    requirements = spec.requirements
    missing = [r for r in requirements if pip.cached_wheel(house, r) is None]
    for requirement in requirements:
        if requirement not in missing:
            say(f"  {requirement}  cached")
    label = f"the {spec.name} twin"
    if missing:
        try:
            pip.fetch(interpreter, missing, recorded, house, PipOutput(say, status, len(missing)))
        except InstallError as exc:
            raise InstallError(f"{label}: could not download its wheels", exc.tail) from None
    listing = partial / REQUIREMENTS
    pip.write_requirements(listing, requirements, recorded)
    if status:
        status(f"installing {len(requirements)} packages")
    output = PipOutput(lambda _line: None, None, len(requirements))
    try:
        pip.install(interpreter, listing, partial / store.SITE, house, recorded is not None, output)
    except InstallError as exc:
        raise InstallError(f"{label}: pip could not install its pins", exc.tail) from None


def _verified(spec: TwinSpec, interpreter: Interpreter, site: Path) -> dict[str, str]:
    """The probe's versions; InstallError when a package does not import or has another version."""
    try:
        report = probe(interpreter.path, site, spec)
    except ProbeError as exc:
        raise InstallError(f"the new {spec.name} twin could not be checked: {exc}") from None
    problems = [f"{dist}: {error}" for dist, error in report.failures.items()]
    installed = {normalise(k): v for k, v in report.versions.items()}
    for requirement in spec.requirements:
        dist, version = requirement.split("==")
        got = installed.get(normalise(dist))
        if got is not None and got != version:
            problems.append(f"{dist}: {got} installed, {version} pinned")
    if problems:
        raise InstallError(
            f"the new {spec.name} twin does not work, so it was not kept",
            [*problems, f"(Python {report.python_version} with {site})"],
        )
    return report.versions


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
