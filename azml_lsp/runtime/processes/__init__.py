"""Find and stop every process a run started, even those that left its process group.

A run's child leads a session of its own; anything it starts stays in that session unless it
calls ``setsid`` itself; a run's pids control group, where it has one, holds those too. On
Linux the session is read from ``/proc``; elsewhere the process group is the best that can be
done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from azml_lsp.runtime.processes.forkguard import group_members

_PROC = Path("/proc")


def session_members(session: int) -> list[int]:
    """Pids of the live processes in ``session`` (empty where ``/proc`` is not available)."""
    members = []
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 3 and int(fields[3]) == session and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def kill_session(leader: int, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to the process group of ``leader`` and to every process of its run: the
    members of its session and of its pids group (where it has one)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, sig)
    for pid in set(group_members(leader) or ()) | set(session_members(leader)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def await_session_end(leader: int, timeout_s: float) -> bool:
    """Wait up to ``timeout_s`` for every process of ``leader``'s session to end by itself;
    True when none is left."""
    deadline = time.monotonic() + timeout_s
    while session_members(leader):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies, so a run does not go on after the
    CLI or the warm worker was killed. Elsewhere it does nothing.

    Linux sends the signal when the parent *thread* ends: only call it in a process whose
    parent waits for it in the thread that started it (the supervisor does). ``parent`` is the
    pid the parent had when it started this process: if it is no longer this process's parent,
    the parent died before the request took effect."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
