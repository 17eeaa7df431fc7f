"""The ``azml`` console script. For ``azml run`` and ``azml debug`` it starts the process that
will run the script first, so that process imports pandas while this one parses the command line
and the script's settings, and the named twin's zygote likewise: the run then costs little more
than running the script by hand."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any, NoReturn

#: Subcommands that run a script, and the options that keep them from using a started worker.
RUNNING = ("run", "debug")
NOT_PRESTARTED = ("--python", "-h", "--help")


def main() -> Any:
    """Entry point of ``azml`` and ``python -m azml_lsp``."""
    args = sys.argv[1:]
    if args[:1] and args[0] in RUNNING and not any(a in NOT_PRESTARTED for a in args):
        twin = _named_env(args) if args[0] == "run" else None  # debug starts its twin afresh
        zygote_started = False
        if twin:
            from azml_lsp.runtime.twins import zygotes

            zygote_started = zygotes.prestart(twin)  # first: the twin's start-up is the longer
        from azml_lsp.runtime.processes import prestart

        prestart.start(beside_a_twin=zygote_started)
    from azml_lsp.cli import main as cli_main

    if args[:1] == ["run"]:
        _exit_without_teardown(cli_main)
    return cli_main()


def _exit_without_teardown(command: Callable[[], Any]) -> NoReturn:
    """Run ``command`` (a click command: it ends with SystemExit), then end the process without
    the interpreter's teardown: exit handlers run and output is flushed, but the modules are
    not torn down one by one, which costs a one-off ``azml run`` tens of milliseconds after
    its result is out. Any other exception ends the process as usual."""
    import atexit
    import os
    import threading

    try:
        command()
        code = 0
    except SystemExit as exc:
        code = _exit_status(exc.code)
    shutdown = getattr(threading, "_shutdown", None)  # what the interpreter does first
    if shutdown is not None:
        shutdown()  # joins threads that are not daemons
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken stream: nothing to flush
            stream.flush()
    os._exit(code)


def _exit_status(code: object) -> int:
    """The status ``sys.exit(code)`` gives (a message is printed, as the interpreter would)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _named_env(args: list[str]) -> str | None:
    """The environment a command line names (``--env NAME``, else ``$AZML_ENV``), unless local."""
    import os

    name = os.environ.get("AZML_ENV")
    for index, arg in enumerate(args):
        if arg == "--env" and index + 1 < len(args):
            name = args[index + 1]
        elif arg.startswith("--env="):
            name = arg.partition("=")[2]
    return name if name and name != "local" else None
