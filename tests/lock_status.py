"""How the installed packages compare with the checked-in lock (``constraints.txt``).

``python -m tests.lock_status`` prints one line per package whose installed version differs from
the lock; the test session's header says whether the environment is the locked one.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parents[1] / "constraints.txt"


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """Each package's pinned version for this interpreter (entries whose markers apply)."""
    pins: dict[str, str] = {}
    for raw in lock.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise SystemExit(f"{lock}: cannot read the pin {line!r}: {error}") from None
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        pinned = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        if pinned:
            pins[canonicalize_name(requirement.name)] = pinned[0]
    return pins


def installed_versions() -> dict[str, str]:
    """Every distribution installed in this interpreter, by canonical name."""
    return {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }


def drift(lock: Path = LOCK) -> list[tuple[str, str, str]]:
    """(package, locked, installed) for each locked package installed at another version."""
    installed = installed_versions()
    return [
        (name, version, installed[name])
        for name, version in sorted(locked_versions(lock).items())
        if name in installed and installed[name] != version
    ]


def summary(lock: Path = LOCK) -> str:
    """One line for a test session's header."""
    changed = drift(lock)
    if not changed:
        matching = len(set(locked_versions(lock)) & set(installed_versions()))
        return f"lock: {matching} installed packages match {lock.name}"
    listed = ", ".join(
        f"{name} {installed} (locked {locked})" for name, locked, installed in changed
    )
    return f"lock: {len(changed)} packages differ from {lock.name}: {listed}"


def main() -> int:
    changed = drift()
    for name, locked, installed in changed:
        print(f"{name}: locked {locked}, installed {installed}")
    if not changed:
        print(f"every installed package matches {LOCK.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
