"""``azml env doctor``: a created twin's packages as its interpreter sees them, beside the cloud's."""

from __future__ import annotations

from azml_lsp.contract.twins import Pin, TwinSpec
from azml_lsp.envs import store
from azml_lsp.envs.probe import ProbeError, probe
from azml_lsp.envs.specs import normalise


def check_twin(name: str, current: TwinSpec | None = None) -> tuple[list[str], bool]:
    """Lines to print for twin ``name`` and whether it is healthy.

    ``current`` is the spec the twin should match (default: the one it was built from)."""
    twin, problem = store.lookup(name)
    if twin is None:
        return [f"{name}: {problem or 'not created'}"], False
    spec = current or twin.spec
    lines = [f"{twin.summary()} ({twin.folder})"]
    try:
        report = probe(twin.python, twin.folder / store.SITE, spec)
    except ProbeError as exc:
        return [*lines, f"  FAILED: {exc}"], False
    pins = [*spec.packages, *([spec.debugger] if spec.debugger else [])]
    table = [("package", "installed", "cloud", "")]
    healthy = True
    for pin in pins:
        found = report.packages.get(pin.name)
        installed = found.version if found and found.version else "-"
        note = _note(pin, spec)
        if found is None or found.error:
            healthy = False
            note = f"FAILED: {found.error if found else 'not checked'}"
        elif normalise(installed) != normalise(pin.version):
            healthy = False
            note = f"MISMATCH: {pin.version} pinned; run azml env create {name} --force"
        cloud = "-" if pin is spec.debugger else (pin.cloud or pin.version)
        table.append((pin.name, installed, cloud, note))
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[3]]).rstrip())
    if not twin.matches(spec):
        lines.append(f"  outdated: built from other pins; run azml env create {name}")
    lines.extend(f"  deviation: {text}" for text in spec.deviations)
    lines.append("  ok" if healthy else "  problems found")
    return lines, healthy


def _note(pin: Pin, spec: TwinSpec) -> str:
    if pin is spec.debugger:
        return "debugger for azml debug (not in the cloud)"
    if pin.cloud and pin.cloud != pin.version:
        return f"deviation: {pin.why}" if pin.why else "deviation"
    return "same as the cloud"
