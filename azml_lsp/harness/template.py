"""A request template for ``azml serve`` in a twin: the script imported once, a child forked
from it for each request, so a request pays a fork and the call, not an import.

Started as ``python -s .../harness/__main__.py SITE --template SPEC_FILE``; ``SPEC_FILE`` is
JSON written by the host: the script, its module name, the ``sys.path`` entries to append (the
working directory and the Script Bundle the host extracted), the folder to import in, and the
two inherited descriptors of its :class:`~.channel.Channel`. The template imports numpy and
pandas, takes a sample table through the exchange format (so a child does not pay those
first-call costs), imports the script as a run does (:mod:`.run`) and says ``ready`` with the
parameters of ``azureml_main``, or ``failed`` with the facts of the import's exception.

Then it reads calls from the host, one JSON line each: the input table folders, the ports to
pass, the call's working directory, result folder, output file, stack-dump file and resource
limits. For each it forks a child that takes on the call's process state (a session of its
own, the limits, stdout and stderr appended to the output file, the working directory, fresh
random state, death with the template), reads the tables, calls ``azureml_main`` and writes
``result.json`` as a run does (:func:`.run.call_entry`, :func:`.run.described`). The template
says ``started`` with the child's pid (the host times the call, asks for its stack and kills
it), then ``ended`` with its exit status (negative: the signal that killed it). It ends when
the host closes its side of the channel. The contract's rules stay with the host.

With the spec's ``isolation`` ``reimport`` or ``worker`` the template makes each call itself,
with no child: ``reimport`` first runs the script's code again into a new module (the modules
it imports keep their state; a failed import is that call's error), ``worker`` calls the entry
point the first import gave. The call's output, working directory, limits and stack-dump file
are taken on for the call and the output and recursion limit given back after it; the
template says ``started`` with its own pid and ``ended`` with status 0. A call that overruns or
whose caller leaves is stopped by killing the template (the host starts another).
"""

from __future__ import absolute_import, division, print_function

import errno
import gc
import os
import shutil
import signal
import sys
import tempfile

from azml_lsp.harness import run, zygote
from azml_lsp.harness.channel import Channel
from azml_lsp.harness.exchange import dump_json, optional_table, read_table, write_table
from azml_lsp.harness.values import describe

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Dict  # noqa: F401

#: What a call's child imports before it calls the script, imported here while ``sys.path`` is
#: still whole: the script's import may change it.
CALL_MODULES = ("ctypes", "faulthandler", "resource")
#: A child's exit status when the harness itself failed (its facts are in ``result.json``).
HARNESS_FAILED = 70
_PR_SET_PDEATHSIG = 1
#: Isolations whose calls the template makes itself, without a child.
IN_PROCESS = ("reimport", "worker")


def serve(spec_file):
    # type: (str) -> int
    """Import the script, then make each call (in a forked child, or here) until the host
    closes the channel."""
    spec = run.load_request(spec_file)
    channel = Channel(spec["events_fd"], spec["replies_fd"])
    isolation = spec.get("isolation", "request")
    _die_with(os.getppid())  # neither the template nor a call it makes outlives the host
    for name in zygote.PRELOAD + CALL_MODULES:
        try:
            __import__(name)
        except ImportError:  # Python 2 has no faulthandler: the run module has a fallback
            pass
    _warm_exchange(spec["work"])
    run.extend_path(spec)
    os.chdir(spec["import_cwd"])
    try:
        with open(spec["script"], "rb") as stream:
            code = run.compile_script(spec, stream.read())
        entry = run.execute_script(spec, code)
    except BaseException as exc:
        channel.send("failed", error=run.exception_facts(exc))
        return 0
    channel.send("ready", shape=run.parameter_facts(entry), pid=os.getpid())
    gc.collect()
    freeze = getattr(gc, "freeze", None)  # Python 3.7+: a child's collections copy no pages
    if freeze is not None:
        freeze()
    while True:
        try:
            order = channel.receive()
        except EOFError:
            os._exit(0)  # the host is gone: no teardown of the imported packages to wait for
        if isolation in IN_PROCESS:
            channel.send("started", pid=os.getpid())
            again = code if isolation == "reimport" else None
            entry = _call_here(order, spec, again, entry)
            channel.send("ended", status=0)
            continue
        pid = _fork_call(order, entry, channel)
        channel.send("started", pid=pid)
        channel.send("ended", status=_wait(pid))


def _call_here(order, spec, code, entry):
    # type: (Dict[str, Any], Dict[str, Any], Any, Any) -> Any
    """Make the call in this process, after running the script's ``code`` again when given
    (reimport); the entry point the next call uses."""
    result = os.path.join(order["result"], run.RESULT_FILE)
    _reap_children()
    saved = _take_on_call(order)
    try:
        if code is not None:
            os.chdir(order["work"])
            try:
                entry = run.execute_script(spec, code)
            except BaseException as exc:  # this call's error; the next call imports again
                dump_json({"error": run.exception_facts(exc)}, result)
                return entry
        frames = [optional_table(folder) for folder in order["inputs"]]
        called = run.call_entry(entry, frames, order["ports"], order["work"])
        dump_json(run.described(called, order["result"]), result)
    except BaseException as exc:  # the harness failed (or a limit hit it): still an answer
        try:
            dump_json({"internal": run.exception_facts(exc)}, result)
        except BaseException:  # nothing more can be said: the host finds no result
            pass
    finally:
        _give_back(saved)
    return entry


def _take_on_call(order):
    # type: (Dict[str, Any]) -> Any
    """Take on a call's state in this process (limits, output, working directory, stack-dump
    file); what :func:`_give_back` restores."""
    _flush_streams()
    saved = (os.dup(1), os.dup(2), sys.getrecursionlimit())
    zygote.set_limits(order["rlimits"])
    zygote.redirect(order["output"], 1, os.O_WRONLY | os.O_APPEND)
    zygote.redirect(order["output"], 2, os.O_WRONLY | os.O_APPEND)
    os.chdir(order["work"])
    run.arm_stack_dump(order["stack_file"])
    return saved


def _give_back(saved):
    # type: (Any) -> None
    """After a call made here: the template's own output and recursion limit again."""
    _flush_streams()
    stdout, stderr, limit = saved
    os.dup2(stdout, 1)
    os.dup2(stderr, 2)
    os.close(stdout)
    os.close(stderr)
    sys.setrecursionlimit(limit)
    _reap_children()


def _flush_streams():
    # type: () -> None
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # a script may have closed or replaced it
            pass


def _reap_children():
    # type: () -> None
    """Reap what calls made here started and the host killed (they would hold pids under the
    template's process cap)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except OSError:  # no children left
            return
        if pid == 0:
            return


def _warm_exchange(folder):
    # type: (str) -> None
    """Write, read and describe a sample table once, so the lazy imports and first-call costs
    of that path are paid here (and done before the script can change ``sys.path``)."""
    import pandas as pd

    frame = pd.DataFrame({"n": [1, 2], "x": [1.5, None], "s": ["a", None], "b": [True, False]})
    root = tempfile.mkdtemp(dir=folder)
    try:
        write_table(frame, os.path.join(root, "table"))
        describe((read_table(os.path.join(root, "table")),), root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _fork_call(order, entry, channel):
    # type: (Dict[str, Any], Any, Channel) -> int
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = HARNESS_FAILED
    result = os.path.join(order["result"], run.RESULT_FILE)
    gc.disable()  # a call is short: its garbage goes with the process, no page is copied for it
    try:
        os.close(channel.events)
        os.close(channel.replies)
        _become_call(order)
        frames = [optional_table(folder) for folder in order["inputs"]]
        called = run.call_entry(entry, frames, order["ports"], order["work"])
        dump_json(run.described(called, order["result"]), result)
        code = 0
    except BaseException as exc:  # the harness failed (or a limit hit it): still an answer
        try:
            dump_json({"internal": run.exception_facts(exc)}, result)
        except BaseException:  # nothing more can be said: the exit status tells
            pass
    finally:
        _flush_streams()
        os._exit(code)
    return 0  # not reached


def _become_call(order):
    # type: (Dict[str, Any]) -> None
    """Take on the call's process state before any of its code runs."""
    parent = os.getppid()
    os.setsid()
    _die_with(parent)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    zygote.set_limits(order["rlimits"])
    zygote.redirect(os.devnull, 0, os.O_RDONLY)
    zygote.redirect(order["output"], 1, os.O_WRONLY | os.O_APPEND)
    zygote.redirect(order["output"], 2, os.O_WRONLY | os.O_APPEND)
    os.chdir(order["work"])
    zygote.reseed()
    run.arm_stack_dump(order["stack_file"])


def _die_with(parent):
    # type: (int) -> None
    """Have Linux kill this process when the template dies (a call never outlives it)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the host kills the call's processes
        return
    if os.getppid() != parent:  # the template died before the request took effect
        os._exit(HARNESS_FAILED)


def _wait(pid):
    # type: (int) -> int
    """The exit status of ``pid`` once it ends: its code, or minus the signal that killed it."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except OSError as exc:  # Python 2 does not retry on a signal
            if exc.errno == errno.EINTR:
                continue
            raise
        if os.WIFSIGNALED(status):
            return -os.WTERMSIG(status)
        return os.WEXITSTATUS(status)
