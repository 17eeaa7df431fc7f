"""``--sandbox strict``: emulate the classic module's sandbox with audit hooks (PEP 578).

What it blocks while the script is imported and called: network use (connections, name look-ups,
datagrams on IPv4/IPv6), writes outside the working directory (opening for writing, creating,
removing, renaming, changing modes), and reading files under the user's home that are not part of
the Python installation, the script's inputs or the working directory.

It is a fidelity aid, not a security boundary: native code, ``ctypes``, and child processes started
by the script are not watched, and a script can work around a Python-level hook on purpose.
"""

from __future__ import annotations

import os
import site
import socket
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from azml_lsp.runtime.rundir import RunDir

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_NETWORK_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg"}
_RESOLVE_EVENTS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"}
#: Audit events that change the file system, and which of their arguments are paths.
_PATH_EVENTS: dict[str, tuple[int, ...]] = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.link": (0, 1),
    "os.symlink": (0, 1),
    "os.truncate": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
    "shutil.copyfile": (1,),
    "shutil.copytree": (1,),
    "shutil.move": (0, 1),
}


class SandboxViolation(PermissionError):
    """An action the classic sandbox does not allow."""


class _Sandbox:
    def __init__(self, rundir: RunDir, readable: Iterable[str]) -> None:
        self.work = _real(rundir.work)
        self.writable = [self.work, _real(rundir.mpl_config), _real(rundir.root / "tmp")]
        self.home = _real(Path.home())
        self.readable = [_real(p) for p in readable]
        self.active = True

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active:
            return
        if event == "open":
            self._check_open(args)
        elif event in _PATH_EVENTS:
            for index in _PATH_EVENTS[event]:
                if index < len(args):
                    self._check_write(args[index])
        elif event in _NETWORK_EVENTS:
            sock = args[0]
            if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
                self._deny_network(args[1] if len(args) > 1 else "")
        elif event in _RESOLVE_EVENTS:
            self._deny_network(args[0] if args else "")

    def _check_open(self, args: tuple[Any, ...]) -> None:
        path, mode, flags = ([*list(args), None, None, None])[:3]
        if not isinstance(path, str | bytes | os.PathLike):
            return
        writing = bool(isinstance(flags, int) and flags & _WRITE_FLAGS) or bool(
            isinstance(mode, str) and set(mode) & set("wax+")
        )
        if writing:
            self._check_write(path)
        else:
            self._check_read(path)

    def _check_write(self, path: Any) -> None:
        if not isinstance(path, str | bytes | os.PathLike):
            return
        real = _real(path)
        if real == "/dev/null" or _inside(real, self.writable):
            return
        raise SandboxViolation(
            f"--sandbox strict: writing {os.fsdecode(path)} is blocked: the classic module lets a "
            "script write only inside its working directory (use a relative path)"
        )

    def _check_read(self, path: Any) -> None:
        real = _real(path)
        if not _inside(real, [self.home]) or _inside(real, self.readable + self.writable):
            return
        raise SandboxViolation(
            f"--sandbox strict: reading {os.fsdecode(path)} is blocked: files in your home folder "
            "do not exist in the cloud; pass data through Dataset1/Dataset2 or the Script Bundle"
        )

    def _deny_network(self, target: Any) -> None:
        raise SandboxViolation(
            f"--sandbox strict: network access ({target}) is blocked: the classic module has no "
            "network; pass data through Dataset1/Dataset2 or the Script Bundle"
        )


def _real(path: Any) -> str:
    return os.path.realpath(os.fsdecode(path))


def _inside(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _python_locations() -> list[str]:
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    places.add(site.getusersitepackages())
    places.update(p for p in sysconfig.get_paths().values() if p)
    places.update(p for p in sys.path if p)
    return sorted(places)


_current: _Sandbox | None = None


def install_sandbox(rundir: RunDir, readable: Iterable[str] = ()) -> None:
    """Start blocking; ``readable`` adds files the script may read (its inputs and itself)."""
    global _current
    tmp = rundir.root / "tmp"
    tmp.mkdir(exist_ok=True)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)
    _current = _Sandbox(rundir, [*_python_locations(), *readable])
    sys.addaudithook(_current.hook)


def lift_sandbox() -> None:
    """Stop blocking (the runtime writes the outputs after the call)."""
    if _current is not None:
        _current.active = False
