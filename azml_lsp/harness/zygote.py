"""A warm twin: the twin's interpreter with its numpy and pandas imported, forking one process
per run so a run pays a fork instead of Python's and pandas' start-up.

Started as ``python -s .../harness/__main__.py SITE --zygote FOLDER``. Once its imports are done
it makes the FIFO ``FOLDER/requests`` and writes ``FOLDER/ready``; then it reads orders, one
JSON line each. An order forks a process that becomes the run exactly as a freshly started
harness would: a session of its own, the host child's resource limits and pids group, the run's
stdout and stderr files, its environment and folder, fresh random state. The zygote writes the
run's exit status (a negative signal number when killed) to the order's ``status`` file once
the process has ended. It never runs user code itself, and ends when its owner closes its stdin.

A run's process dies with the run's host child: it holds the read end of the order's
``lifeline`` FIFO, which reaches end-of-file when the host child is gone.
"""

from __future__ import absolute_import, division, print_function

import errno
import json
import os
import select
import signal
import sys
import threading
import traceback

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Dict, List  # noqa: F401

PRELOAD = ("numpy", "pandas")
REQUESTS = "requests"
READY = "ready"
STATUS_WAIT_S = 0.05


def serve(folder):
    # type: (str) -> int
    """Import what every run needs, then fork a run for each order until the owner leaves."""
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # a twin without the package: its runs import what they use
            pass
    path = os.path.join(folder, REQUESTS)
    os.mkfifo(path, 0o600)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    keeper = os.open(path, os.O_WRONLY)  # the FIFO never reads as ended while the zygote lives
    wake_read, wake_write = os.pipe()
    _set_nonblocking(wake_write)
    signal.signal(signal.SIGCHLD, _ignore)
    signal.set_wakeup_fd(wake_write)
    _write_atomic(os.path.join(folder, READY), str(os.getpid()))
    own = (reader, keeper, wake_read, wake_write)
    pending = {}  # type: Dict[int, str]
    buffered = b""
    while True:
        ready = _select([reader, 0, wake_read])
        if wake_read in ready:
            os.read(wake_read, 4096)
        if 0 in ready and not os.read(0, 4096):
            os._exit(0)  # the owner is gone: no teardown of the imported packages to wait for
        if reader in ready:
            buffered += _read_available(reader)
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                order = json.loads(line.decode("utf-8"))
                pid = _fork_run(order, own)
                pending[pid] = order["status"]
                _write_atomic(order["pid_file"], str(pid))
        _reap(pending)


def _ignore(_signum, _frame):
    # type: (int, Any) -> None
    """SIGCHLD only wakes the loop (through the wakeup fd) to reap the run that ended."""


def _select(fds):
    # type: (List[int]) -> List[int]
    try:
        return select.select(fds, [], [], 1.0)[0]
    except (select.error, OSError) as exc:  # Python 2 does not retry on a signal
        if exc.args and exc.args[0] == errno.EINTR:
            return []
        raise


def _read_available(fd):
    # type: (int) -> bytes
    try:
        return os.read(fd, 65536)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
            return b""
        raise


def _reap(pending):
    # type: (Dict[int, str]) -> None
    while pending:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except OSError as exc:
            if exc.errno == errno.ECHILD:
                return
            raise
        if pid == 0:
            return
        path = pending.pop(pid, None)
        if path is None:
            continue
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        try:
            _write_atomic(path, str(code))
        except (IOError, OSError):  # the run's folder is gone: nobody waits for it
            pass


def _fork_run(order, own):
    # type: (Dict[str, Any], tuple) -> int
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        for fd in own:
            os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        code = _become_run(order)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    _exit(code)
    return 0  # not reached


def _become_run(order):
    # type: (Dict[str, Any]) -> int
    """Take on the run's process state, then run the harness as its fresh start would."""
    os.setsid()
    joining = _start_joining(order.get("group"))
    set_limits(order["rlimits"])
    redirect(os.devnull, 0, os.O_RDONLY)
    redirect(order["stdout"], 1, os.O_WRONLY | os.O_APPEND)
    redirect(order["stderr"], 2, os.O_WRONLY | os.O_APPEND)
    os.environ.clear()
    os.environ.update(dict((str(k), str(v)) for k, v in order["environ"].items()))
    os.chdir(order["cwd"])
    reseed()
    _hold_lifeline(os.open(order["lifeline"], os.O_RDONLY))
    events = os.open(order["events"], os.O_WRONLY)
    replies = os.open(order["replies"], os.O_RDONLY)
    from azml_lsp.harness import run

    return run.main(order["control"], (events, replies), settled=joining.join)


def _start_joining(group):
    # type: (Any) -> threading.Thread
    """Join the host child's pids group in a thread: moving a process between groups can take
    tens of milliseconds, which then overlap the reading of the inputs. The run waits for it
    (``settled``) before the user's code can start a process."""
    thread = threading.Thread(target=_join_group, args=(group,))
    thread.daemon = True
    thread.start()
    return thread


def _join_group(group):
    # type: (Any) -> None
    """Join the host child's pids group, so its cap and its clean-up cover this process too."""
    if not group:
        return
    try:
        with open(os.path.join(group, "cgroup.procs"), "w") as stream:
            stream.write(str(os.getpid()))
    except (IOError, OSError):  # the group is gone: the resource limits still hold
        pass


def set_limits(limits):
    # type: (Dict[str, List[int]]) -> None
    """The host child's soft limits (memory, processes), as a process it started inherits."""
    import resource

    for name, (soft, _hard) in limits.items():
        which = getattr(resource, "RLIMIT_" + name)
        hard = resource.getrlimit(which)[1]
        if hard != resource.RLIM_INFINITY and (soft == resource.RLIM_INFINITY or soft > hard):
            soft = hard
        resource.setrlimit(which, (soft, hard))


def redirect(path, target, flags):
    # type: (str, int, int) -> None
    """Make descriptor ``target`` (0, 1 or 2) refer to ``path`` opened with ``flags``."""
    fd = os.open(path, flags)
    os.dup2(fd, target)
    os.close(fd)


def reseed():
    # type: () -> None
    """Forked runs would share the zygote's random state: each gets fresh entropy."""
    import random

    random.seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _hold_lifeline(fd):
    # type: (int) -> None
    def watch():
        # type: () -> None
        while True:
            try:
                if not os.read(fd, 1):
                    break
            except OSError as exc:
                if exc.errno != errno.EINTR:
                    break
        os.killpg(0, signal.SIGKILL)  # the host child is gone: so is the run

    thread = threading.Thread(target=watch)
    thread.daemon = True
    thread.start()


def _exit(code):
    # type: (int) -> None
    """End as the interpreter would (non-daemon threads joined, exit handlers run), without
    returning into the zygote's loop."""
    try:
        shutdown = getattr(threading, "_shutdown", None)
        if shutdown is not None:
            shutdown()
        import atexit

        run_handlers = getattr(atexit, "_run_exitfuncs", None) or getattr(sys, "exitfunc", None)
        if run_handlers is not None:
            run_handlers()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed or broken stream: nothing more to write
                pass
        os._exit(code)


def _set_nonblocking(fd):
    # type: (int) -> None
    import fcntl

    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def _write_atomic(path, text):
    # type: (str, str) -> None
    temporary = path + ".part"
    with open(temporary, "w") as stream:
        stream.write(text)
    os.rename(temporary, path)
