"""Warm twins, owned by the process that starts runs (the command line, the language server,
``azml serve``): one zygote (:mod:`azml_lsp.harness.zygote`) per twin, started with the first
run in that twin and kept for the next, so a run pays a fork instead of the twin's start-up.

A one-off ``azml run`` starts the zygote while its run's child reads the inputs, so the twin's
start-up overlaps the host's work. A zygote ends with its owner (its stdin closes), and one that
died is started again by the next run.
"""

from __future__ import annotations

import atexit
import contextlib
import subprocess
import threading
from typing import TYPE_CHECKING

from azml_lsp.runtime.tempdirs import OwnedTempDir
from azml_lsp.runtime.twins.interpreter import Interpreter, harness_command, twin_environment

if TYPE_CHECKING:  # not imported at run time: `azml run` starts its zygote before the rest
    from azml_lsp.runtime.model import RunRequest

PREFIX = "azml-zygote-"
LOG_NAME = "zygote.log"


class Zygote:
    """A twin's interpreter with pandas imported, forking the runs it is ordered to start."""

    def __init__(self, twin: Interpreter) -> None:
        self.folder = OwnedTempDir(PREFIX)
        with (self.folder.path / LOG_NAME).open("wb") as log:
            self.process = subprocess.Popen(
                harness_command(twin, "--zygote", str(self.folder.path)),
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                cwd=self.folder.path,
                env=twin_environment({"MPLBACKEND": "Agg"}),
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Kill the zygote without waiting for it (:meth:`close` reaps it)."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def close(self) -> None:
        """Stop the zygote and remove its folder. It is killed: it runs no user code and holds
        nothing to save, and its runs, in their own sessions, end with their own hosts."""
        self.process.kill()
        self.process.wait()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self.folder.release()


_lock = threading.Lock()
_zygotes: dict[tuple[str, str, str], Zygote] = {}


def with_warm_twin(request: RunRequest) -> RunRequest:
    """``request`` with its twin's zygote (started now if there is none alive); unchanged for
    local runs and debug sessions (the debugger starts the twin afresh)."""
    from dataclasses import replace

    twin = request.twin
    if twin is None or request.debug is not None:
        return request
    key = (twin.name, twin.python, twin.site)
    with _lock:
        zygote = _zygotes.get(key)
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.close()
            zygote = _zygotes[key] = Zygote(twin)
    return replace(request, twin=replace(twin, zygote=str(zygote.folder.path)))


def prestart(name: str) -> bool:
    """Start twin ``name``'s zygote before the command line is parsed, so the twin's start-up
    overlaps the rest of the command's work; the run adopts it. A name that is no created twin
    starts nothing (False). Only the twin's record is read here: the run checks the twin."""
    from azml_lsp.envs.layout import recorded_interpreter

    found = recorded_interpreter(name)
    if found is None:
        return False
    with _lock:
        _zygotes[found] = Zygote(found)
    return True


def stop_all() -> None:
    """Kill every zygote this process started, without waiting: a caller whose runs are over
    lets their teardown overlap its own last work (:func:`close_all` reaps them at exit)."""
    with _lock:
        for zygote in _zygotes.values():
            zygote.stop()


@atexit.register
def close_all() -> None:
    """Stop every zygote this process started."""
    with _lock:
        for zygote in _zygotes.values():
            zygote.close()
        _zygotes.clear()
