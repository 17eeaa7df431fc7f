"""Recorded sha256 hashes of the built-in twins' wheels (Linux x86-64), and their regeneration.

``hashes.json`` maps twin name -> ``"name==version"`` -> ``["sha256:..."]``: the wheels pip
picks on Linux x86-64 for the twin's interpreter. A create checks them (``--require-hashes``)
when every pin of the twin has one. After changing a built-in twin's pins, regenerate with::

    python -m azml_lsp.envs.hashes            # every built-in twin
    python -m azml_lsp.envs.hashes designer   # one twin
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from azml_lsp import atomic
from azml_lsp.contract.twins import BUILTIN_TWINS, TwinSpec
from azml_lsp.envs.errors import EnvError, InstallError
from azml_lsp.envs.interpreters import find_interpreter
from azml_lsp.envs.specs import normalise
from azml_lsp.envs.store import pip_cache

HASHES_FILE = Path(__file__).with_name("hashes.json")
REGENERATE = "python -m azml_lsp.envs.hashes"

Hashes = dict[str, list[str]]


def load() -> dict[str, Hashes]:
    """Every recorded hash, by twin; empty when the file is missing or unreadable."""
    try:
        data = json.loads(HASHES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def platform_recorded() -> bool:
    """True on the platform the hashes were recorded for (Linux x86-64)."""
    return sys.platform.startswith("linux") and platform.machine().lower() in ("x86_64", "amd64")


def hashes_for(spec: TwinSpec) -> tuple[Hashes | None, str]:
    """The hashes of every requirement of ``spec``, or None and why they are not checked."""
    if not spec.builtin:
        return None, "hashes are not checked: only the built-in twins have recorded hashes"
    if not platform_recorded():
        return None, "hashes are not checked: they are recorded for Linux x86-64 only"
    recorded = load().get(spec.name, {})
    missing = [r for r in spec.requirements if not recorded.get(r)]
    if missing:
        return None, (
            f"hashes are not checked: no recorded hash for {', '.join(missing)} "
            f"(regenerate with: {REGENERATE} {spec.name})"
        )
    return {r: list(recorded[r]) for r in spec.requirements}, "hashes checked"


def download_hashes(spec: TwinSpec, python: str) -> Hashes:
    """Download every pin of ``spec`` (wheels only, no dependencies) with ``python``; their
    sha256 by requirement."""
    with tempfile.TemporaryDirectory(prefix="azml-hashes-") as scratch:
        folder = Path(scratch)
        requirements = folder / "requirements.txt"
        requirements.write_text("\n".join(spec.requirements) + "\n", encoding="utf-8")
        command = [python, "-E", "-s", "-m", "pip", "download", "--no-deps"]
        command += ["--only-binary=:all:", "--disable-pip-version-check", "--progress-bar", "off"]
        command += ["--cache-dir", str(pip_cache()), "-d", str(folder / "wheels")]
        command += ["-r", str(requirements)]
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
            raise InstallError(f"pip download failed for the {spec.name} twin", tail)
        found: Hashes = {}
        for wheel in sorted((folder / "wheels").iterdir()):
            requirement = _requirement_of(wheel.name, spec)
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            found.setdefault(requirement, []).append(f"sha256:{digest}")
    missing = [r for r in spec.requirements if r not in found]
    if missing:
        raise InstallError(f"pip downloaded nothing for {', '.join(missing)}")
    return found


def _requirement_of(filename: str, spec: TwinSpec) -> str:
    """The requirement of ``spec`` a downloaded wheel belongs to."""
    parts = filename.split("-")
    for requirement in spec.requirements:
        name, version = requirement.split("==")
        if len(parts) > 2 and normalise(parts[0]) == normalise(name) and parts[1] == version:
            return requirement
    raise InstallError(f"pip downloaded {filename}, which no pin of the {spec.name} twin names")


def regenerate(names: list[str]) -> None:
    """Record the hashes of the named built-in twins (all when ``names`` is empty)."""
    if not platform_recorded():
        raise EnvError("record hashes on Linux x86-64: that is the platform they are for")
    unknown = [n for n in names if n not in BUILTIN_TWINS]
    if unknown:
        raise EnvError(
            f"not built-in twins: {', '.join(unknown)}; known: {', '.join(BUILTIN_TWINS)}"
        )
    data = load() if names else {}
    for name in names or list(BUILTIN_TWINS):
        spec = BUILTIN_TWINS[name]
        interpreter = find_interpreter(spec.python)
        print(f"{name}: downloading {len(spec.requirements)} wheels with {interpreter.path}")
        data[name] = download_hashes(spec, interpreter.path)
    data = {k: v for k, v in sorted(data.items()) if k in BUILTIN_TWINS}
    atomic.write_text(HASHES_FILE, json.dumps(data, indent=2, sort_keys=True) + "\n")
    print(f"wrote {HASHES_FILE}")


def main(argv: list[str]) -> int:
    """``python -m azml_lsp.envs.hashes [NAME...]``."""
    try:
        regenerate(argv)
    except EnvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for line in getattr(exc, "tail", []):
            print(f"  {line}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
