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
from dataclasses import replace

from azml_lsp.runtime.model import RunRequest, TwinTarget
from azml_lsp.runtime.tempdirs import OwnedTempDir
from azml_lsp.runtime.twins.interpreter import harness_command, twin_environment

PREFIX = "azml-zygote-"
LOG_NAME = "zygote.log"


class Zygote:
    """A twin's interpreter with pandas imported, forking the runs it is ordered to start."""

    def __init__(self, twin: TwinTarget) -> None:
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

    def close(self) -> None:
        """Stop the zygote (its runs end with their own hosts) and remove its folder."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.folder.release()


_lock = threading.Lock()
_zygotes: dict[tuple[str, str, str], Zygote] = {}


def with_warm_twin(request: RunRequest) -> RunRequest:
    """``request`` with its twin's zygote (started now if there is none alive); unchanged for
    local runs and debug sessions (the debugger starts the twin afresh)."""
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


def prestart(args: list[str]) -> None:
    """Start the zygote of the twin a command line names (``--env NAME``, else ``$AZML_ENV``)
    before the command line is parsed, so the twin's start-up overlaps the rest of the command's
    work; the run adopts it. A name that is no created twin starts nothing."""
    import os

    name = os.environ.get("AZML_ENV")
    for index, arg in enumerate(args):
        if arg == "--env" and index + 1 < len(args):
            name = args[index + 1]
        elif arg.startswith("--env="):
            name = arg.partition("=")[2]
    if not name or name == "local":
        return
    from azml_lsp.envs.store import installed

    found = installed(name)
    if found is not None:
        target = TwinTarget(found.name, found.python, found.site, found.summary())
        with _lock:
            _zygotes[(target.name, target.python, target.site)] = Zygote(target)


@atexit.register
def close_all() -> None:
    """Stop every zygote this process started."""
    with _lock:
        for zygote in _zygotes.values():
            zygote.close()
        _zygotes.clear()
