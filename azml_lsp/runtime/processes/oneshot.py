"""Start a run's child as a fresh interpreter: ``python -m azml_lsp.runtime.child``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from azml_lsp.runtime.model import RunRequest
from azml_lsp.runtime.processes import kill_session
from azml_lsp.runtime.processes.launch import child_environment
from azml_lsp.runtime.rundir import RunDir


class PopenChild:
    """A child started with :class:`subprocess.Popen` in a session of its own."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    def poll(self) -> int | None:
        return self.process.poll()

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(sig)

    def kill_all(self) -> None:
        kill_session(self.process.pid)
        self.process.wait()


def spawn_oneshot(request: RunRequest, rundir: RunDir, event_fd: int) -> PopenChild:
    """Start ``python -m azml_lsp.runtime.child`` for ``rundir``, its output captured to files."""
    python = request.python or sys.executable
    with rundir.stdout_file.open("wb") as out, rundir.stderr_file.open("wb") as err:
        process = subprocess.Popen(
            [
                python,
                "-X",
                "utf8",
                "-m",
                "azml_lsp.runtime.child",
                str(rundir.control),
                str(event_fd),
                str(os.getpid()),
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            pass_fds=(event_fd,),
            cwd=rundir.process_cwd,
            env=child_environment(),
            start_new_session=True,
        )
    return PopenChild(process)
