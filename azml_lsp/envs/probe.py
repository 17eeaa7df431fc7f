"""Checking a twin from the inside: its interpreter imports every pinned package from the twin.

The twin's interpreter runs :mod:`azml_lsp.envs.probe_snippet` (plain Python 2.7/3.x) with
``-E -s -B``: no environment variables, no user site, no bytecode written into the twin.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from azml_lsp.contract.twins import TwinSpec
from azml_lsp.envs.specs import normalise

SNIPPET = Path(__file__).with_name("probe_snippet.py")
MARKER = "AZML-PROBE "
TIMEOUT_S = 300.0


@dataclass(frozen=True)
class PackageReport:
    """One distribution as the twin's interpreter saw it: its version, or why it failed."""

    distribution: str
    version: str | None
    error: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class ProbeReport:
    """What the probe found: the interpreter's full version and each package's report."""

    python_version: str
    sys_version: str
    packages: dict[str, PackageReport] = field(default_factory=dict)

    @property
    def versions(self) -> dict[str, str]:
        """Distribution -> installed version, for the packages that imported."""
        return {k: r.version for k, r in self.packages.items() if r.version and not r.error}

    @property
    def failures(self) -> dict[str, str]:
        """Distribution -> error, for the packages that did not import."""
        return {k: r.error for k, r in self.packages.items() if r.error}


class ProbeError(RuntimeError):
    """The probe itself did not run (the interpreter crashed or printed no report)."""


def modules_to_check(spec: TwinSpec, site: Path) -> dict[str, str]:
    """Distribution -> module to import: the spec's ``imports``, else the wheel's top-level name."""
    pairs = {}
    explicit = dict(spec.imports)
    tops = top_levels(site)
    for requirement in spec.requirements:
        distribution = requirement.split("==")[0]
        module = explicit.get(distribution) or tops.get(normalise(distribution))
        pairs[distribution] = module or spec.module_of(distribution)
    return pairs


def top_levels(site: Path) -> dict[str, str]:
    """Normalised distribution -> its main importable name, from the metadata in ``site``."""
    found: dict[str, str] = {}
    try:
        entries = list(site.iterdir())
    except OSError:
        return found
    for info in entries:
        if not info.name.endswith((".dist-info", ".egg-info")):
            continue
        distribution = normalise(info.name.rsplit(".", 1)[0].split("-")[0])
        module = _top_level(info)
        if module:
            found[distribution] = module
    return found


def _top_level(info: Path) -> str | None:
    """The first public name in ``top_level.txt``, else the first package in ``RECORD``."""
    try:
        names = (info / "top_level.txt").read_text(encoding="utf-8").split()
    except OSError:
        names = []
    public = [n for n in names if not n.startswith("_")]
    if public:
        return public[0].replace("/", ".")
    try:
        lines = (info / "RECORD").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        first = line.split(",")[0]
        head = first.split("/")[0]
        name = head[:-3] if "/" not in first and head.endswith(".py") else head
        # a package folder or a module; not ``.dist-info`` or a wheel's bundled ``scipy.libs``
        if name.isidentifier() and not name.startswith("_") and ("/" in first or name != head):
            return name
    return None


def probe(python: str, site: Path, spec: TwinSpec) -> ProbeReport:
    """Run the twin's interpreter on ``site`` and report every pinned package; ProbeError if it
    cannot run at all."""
    request = json.dumps({"site": str(site), "modules": modules_to_check(spec, site)})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["MPLBACKEND"] = "Agg"
    try:
        done = subprocess.run(
            [python, "-E", "-s", "-B", str(SNIPPET), request],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(site),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise ProbeError(f"{python} did not run the probe: {exc}") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise ProbeError(f"{python} printed no probe report: {' | '.join(tail)}")
    data = json.loads(lines[-1][len(MARKER) :])
    reports = {
        dist: PackageReport(dist, item.get("version"), item.get("error"), item.get("file"))
        for dist, item in data["packages"].items()
    }
    return ProbeReport(str(data["python"]), str(data["version"]), reports)
