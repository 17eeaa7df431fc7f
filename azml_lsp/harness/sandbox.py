"""``--sandbox strict``: the classic module's sandbox, in whichever Python runs the script.

What it refuses while the script is imported and called: network use (connections, datagrams
on IPv4/IPv6, name look-ups), writes outside the writable folders (opening for writing,
creating, removing, renaming, changing modes), and reading files under the user's home that are
not part of the Python installation, the script's inputs or the working directory.

Python 3.8 and newer watch audit events (PEP 578): every open and socket call of Python code is
seen. Older Pythons have no audit hooks: there the Python-level functions are wrapped instead
(``open``, ``io.open``, ``os.open``, the ``os`` and ``shutil`` functions that change files, and
``socket``'s connect and look-up functions), which misses code that reached the originals
before the sandbox started and what native code does on its own.

It is a fidelity aid, not a security boundary: native code, ``ctypes`` and child processes are
not watched, and a script can work around it on purpose.
"""

from __future__ import absolute_import, division, print_function

import os
import socket
import sys

from azml_lsp.harness.exchange import TEXT, UNICODE

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Callable, Dict, Iterable, List, Tuple  # noqa: F401

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_NETWORK_EVENTS = ("socket.connect", "socket.sendto", "socket.sendmsg")
_RESOLVE_EVENTS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr")
#: Audit events (and the wrapped functions of the same name) that change the file system, and
#: which of their arguments are paths.
PATH_EVENTS = {
    "os.remove": (0,),
    "os.unlink": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.makedirs": (0,),
    "os.rename": (0, 1),
    "os.replace": (0, 1),
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
}  # type: Dict[str, Tuple[int, ...]]

AUDIT_HOOKS = hasattr(sys, "addaudithook")
"""True where audit events watch every open and socket call (Python 3.8 and newer)."""
WITHOUT_AUDIT_HOOKS = (
    "--sandbox strict in Python %d.%d (no audit hooks): open, os/shutil file changes and "
    "socket connections and look-ups are refused through their Python functions; native code "
    "and functions taken before the run started are not watched" % sys.version_info[:2]
)


try:
    _REFUSED = PermissionError  # type: Any
except NameError:  # Python 2
    _REFUSED = OSError


class SandboxViolation(_REFUSED):  # type: ignore[misc,valid-type,unused-ignore]
    """An action the classic sandbox does not allow (a PermissionError on Python 3)."""


class Sandbox(object):
    """The folders a run may write in and read from, and the checks against them."""

    def __init__(self, writable, readable, home):
        # type: (Iterable[str], Iterable[str], str) -> None
        self.writable = [_real(p) for p in writable]
        self.readable = [_real(p) for p in readable]
        self.home = _real(home)
        self.active = True

    def hook(self, event, args):
        # type: (str, Tuple[Any, ...]) -> None
        """An audit hook (Python 3.8+)."""
        if not self.active:
            return
        if event == "open":
            self.check_open(*(tuple(args) + (None, None, None))[:3])
        elif event in PATH_EVENTS:
            for index in PATH_EVENTS[event]:
                if index < len(args):
                    self.check_write(args[index])
        elif event in _NETWORK_EVENTS:
            sock = args[0]
            if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
                self.deny_network(args[1] if len(args) > 1 else "")
        elif event in _RESOLVE_EVENTS:
            self.deny_network(args[0] if args else "")

    def check_open(self, path, mode=None, flags=None):
        # type: (Any, Any, Any) -> None
        if not self.active or not _is_path(path):
            return
        writing = bool(isinstance(flags, int) and flags & _WRITE_FLAGS) or bool(
            isinstance(mode, str) and set(mode) & set("wax+")
        )
        if writing:
            self.check_write(path)
        else:
            self.check_read(path)

    def check_write(self, path):
        # type: (Any) -> None
        if not self.active or not _is_path(path):
            return
        real = _real(path)
        if real == os.devnull or _inside(real, self.writable):
            return
        raise SandboxViolation(
            "--sandbox strict: writing %s is blocked: the classic module lets a script write "
            "only inside its working directory (use a relative path)" % _shown(path),
        )

    def check_read(self, path):
        # type: (Any) -> None
        real = _real(path)
        if not _inside(real, [self.home]) or _inside(real, self.readable + self.writable):
            return
        raise SandboxViolation(
            "--sandbox strict: reading %s is blocked: files in your home folder do not exist in "
            "the cloud; pass data through Dataset1/Dataset2 or the Script Bundle" % _shown(path),
        )

    def deny_network(self, target):
        # type: (Any) -> None
        if not self.active:
            return
        raise SandboxViolation(
            "--sandbox strict: network access (%s) is blocked: the classic module has no network; "
            "pass data through Dataset1/Dataset2 or the Script Bundle" % (target,),
        )


_current = []  # type: List[Sandbox]


def install(writable, readable, home, tmp):
    # type: (Iterable[str], Iterable[str], str, str) -> Sandbox
    """Start refusing; ``tmp`` becomes the temporary folder (it must be writable)."""
    import tempfile

    os.environ["TMPDIR"] = tmp
    tempfile.tempdir = tmp
    sandbox = Sandbox(writable, list(python_locations()) + list(readable), home)
    _current.append(sandbox)
    if AUDIT_HOOKS:
        sys.addaudithook(sandbox.hook)  # type: ignore[attr-defined,unused-ignore]
    else:
        _wrap_functions(sandbox)
    return sandbox


def lift():
    # type: () -> None
    """Stop refusing (the runtime writes the outputs after the call)."""
    for sandbox in _current:
        sandbox.active = False


def python_locations():
    # type: () -> List[str]
    """Where this Python and its packages live: always readable."""
    import site
    import sysconfig

    places = set([sys.prefix, sys.exec_prefix, getattr(sys, "base_prefix", sys.prefix)])
    if hasattr(site, "getsitepackages"):
        places.update(site.getsitepackages())
    if hasattr(site, "getusersitepackages"):
        places.add(site.getusersitepackages())
    places.update(p for p in sysconfig.get_paths().values() if p)
    places.update(p for p in sys.path if p)
    return sorted(places)


# ---------------------------------------------------------------- without audit hooks


def _wrap_functions(sandbox):
    # type: (Sandbox) -> None
    """Wrap the Python-level functions that open, change files and reach the network."""
    import io
    import shutil

    try:
        import builtins  # type: Any
    except ImportError:  # Python 2
        import __builtin__ as builtins  # type: ignore[import-not-found,no-redef,unused-ignore]
    _wrap(builtins, "open", lambda a: sandbox.check_open(*_opened(a)))
    _wrap(io, "open", lambda a: sandbox.check_open(*_opened(a)))
    _wrap(os, "open", lambda a: sandbox.check_open(a[0], None, a[1] if len(a) > 1 else 0))
    for event, positions in PATH_EVENTS.items():
        module = os if event.startswith("os.") else shutil
        _wrap(module, event.split(".", 1)[1], _path_check(sandbox, positions))
    for name in (
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "create_connection",
    ):
        _wrap(socket, name, lambda a: sandbox.deny_network(a[0] if a else ""))
    for method in ("connect", "connect_ex", "sendto"):
        _wrap_method(socket.socket, method, sandbox)


def _opened(args):
    # type: (Tuple[Any, ...]) -> Tuple[Any, Any, Any]
    mode = args[1] if len(args) > 1 else "r"
    return args[0] if args else None, mode, None


def _path_check(sandbox, positions):
    # type: (Sandbox, Tuple[int, ...]) -> Callable[[Tuple[Any, ...]], None]
    def check(args):
        # type: (Tuple[Any, ...]) -> None
        for index in positions:
            if index < len(args):
                sandbox.check_write(args[index])

    return check


def _wrap(owner, name, check):
    # type: (Any, str, Callable[[Tuple[Any, ...]], None]) -> None
    original = getattr(owner, name, None)
    if original is None:
        return

    def guarded(*args, **kwargs):
        # type: (*Any, **Any) -> Any
        check(args)
        return original(*args, **kwargs)

    setattr(owner, name, guarded)


def _wrap_method(cls, name, sandbox):
    # type: (Any, str, Sandbox) -> None
    original = getattr(cls, name, None)
    if original is None:
        return

    def guarded(self, *args, **kwargs):
        # type: (Any, *Any, **Any) -> Any
        if getattr(self, "family", None) in (socket.AF_INET, socket.AF_INET6):
            sandbox.deny_network(args[-1] if args else "")
        return original(self, *args, **kwargs)

    try:
        setattr(cls, name, guarded)
    except TypeError:  # a C type that cannot be patched
        pass


# ---------------------------------------------------------------- paths


def _is_path(path):
    # type: (Any) -> bool
    return isinstance(path, (TEXT, UNICODE, bytes)) or hasattr(path, "__fspath__")


def _text(path):
    # type: (Any) -> Any
    if hasattr(path, "__fspath__"):
        path = path.__fspath__()
    if isinstance(path, bytes) and sys.version_info[0] >= 3:
        return os.fsdecode(path)
    return path


def _real(path):
    # type: (Any) -> str
    return os.path.realpath(_text(path))


def _shown(path):
    # type: (Any) -> Any
    return _text(path)


def _inside(path, roots):
    # type: (str, Iterable[str]) -> bool
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
