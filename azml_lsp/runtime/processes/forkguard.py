"""The fork-bomb guard: a cap on how many processes a run may have at once.

The child applies it to itself before any user code runs, so the script and everything it starts
share the cap. Where it can, it uses a ``pids`` control group (root on Linux, with the cgroup v1
``pids`` hierarchy or a cgroup v2 tree that delegates ``pids``); otherwise ``RLIMIT_NPROC``
(which counts every process of the user, so the cap is added to what the user already runs;
Linux ignores it for root). When neither is possible the run has no cap, and the supervisor still
kills the whole session at the end.
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from pathlib import Path

_V1_ROOT = Path("/sys/fs/cgroup/pids")
_V2_ROOT = Path("/sys/fs/cgroup")
GROUP_PREFIX = "azml-run-"


def _own_v2_group() -> Path | None:
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("0::"):
            group = _V2_ROOT / line[3:].lstrip("/")
            controllers = group / "cgroup.subtree_control"
            if controllers.exists() and "pids" in controllers.read_text().split():
                return group
    return None


def _group_root() -> Path | None:
    """Where a run's pids group can be made, or None."""
    if _V1_ROOT.is_dir() and os.access(_V1_ROOT, os.W_OK):
        return _V1_ROOT
    v2 = _own_v2_group()
    if v2 is not None and os.access(v2, os.W_OK):
        return v2
    return None


def group_path(leader: int) -> Path | None:
    """The pids group of the run whose child is ``leader`` (None when groups are not used)."""
    root = _group_root()
    return None if root is None else root / f"{GROUP_PREFIX}{leader}"


def group_members(leader: int) -> list[int] | None:
    """Pids in the run's pids group (every process it started, also those that left its session),
    or None when the run has no group."""
    group = group_path(leader)
    if group is None:
        return None
    try:
        return [int(pid) for pid in (group / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return None


def cage(pid: int, max_processes: int) -> bool:
    """Put process ``pid`` (and everything it starts from then on) in a pids group of its own
    capped at ``max_processes``; False where no group can be made. Moving a process into a group
    can take milliseconds (the kernel waits for its other CPUs), so a parent that has nothing
    else to do may cage its child while the child gets on with its work."""
    group = group_path(pid)
    if group is None:
        return False
    try:
        group.mkdir(exist_ok=True)
        (group / "pids.max").write_text(str(max_processes))
        (group / "cgroup.procs").write_text(str(pid))
    except OSError:
        with contextlib.suppress(OSError):
            group.rmdir()
        return False
    return True


def limit_processes(max_processes: int) -> str:
    """Cap this process and its descendants at ``max_processes``; say which way, or "none"."""
    if cage(os.getpid(), max_processes):
        return "cgroup"
    cap = process_cap(max_processes)
    if cap is not None:
        resource.setrlimit(
            resource.RLIMIT_NPROC, (cap, resource.getrlimit(resource.RLIMIT_NPROC)[1])
        )
        return "rlimit"
    return "none"


def process_cap(max_processes: int) -> int | None:
    """The ``RLIMIT_NPROC`` that lets the user start ``max_processes`` more processes (it counts
    all of the user's), or None for root, whom Linux does not limit."""
    if os.geteuid() == 0:
        return None
    cap = _processes_of_user(os.getuid()) + max_processes
    _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    return cap if hard == resource.RLIM_INFINITY else min(cap, hard)


def release_group(leader: int, wait_s: float = 2.0) -> None:
    """Remove a finished run's pids group once its killed processes are gone, and any group an
    earlier run could not remove (the parent calls it once the session is dead)."""
    group = group_path(leader)
    if group is None:
        return
    deadline = time.monotonic() + wait_s
    while group.exists() and not _try_rmdir(group) and time.monotonic() < deadline:
        time.sleep(0.02)
    for stale in group.parent.glob(GROUP_PREFIX + "*"):
        leader_pid = stale.name[len(GROUP_PREFIX) :]
        if leader_pid.isdigit() and not Path(f"/proc/{leader_pid}").exists():
            _try_rmdir(stale)


def _try_rmdir(group: Path) -> bool:
    try:
        group.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def _processes_of_user(uid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += 1
    return count
