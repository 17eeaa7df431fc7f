"""Hostile scripts, one matrix for every way a script runs: the runtime's warm worker, the
language server's ``azml.run``, ``azml serve``, and each cloud twin. Each case says how its run
must end; a probe run after it must be unaffected. The scripts are valid Python 2.7 and 3."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

TIMEOUT_S = 8.0
"""The timeout of hostile runs: the endless loop ends at it. The fork bomb must reach the
256-process cap before it: forking a process that has pandas loaded takes about 9 ms on the
2-core test machine, so 2 s quiet and more than 3 s under the test suite's load."""
FLOOD_BYTES = 100_000_000

IMPORTS = "import ctypes, os, shutil, sys, time\nimport numpy as np\nimport pandas as pd\n"
FRAME = "pd.DataFrame({'done': [1]}),"


@dataclass(frozen=True)
class Hostile:
    """A case: the body of ``azureml_main`` (or module-level statements) and how it ends."""

    name: str
    body: str
    kind: str | None = None
    """The expected ``RunError.kind``; None: the run succeeds."""
    exception: tuple[str, ...] = ()
    module_level: str = ""

    def script(self) -> str:
        """The case as a script of its own."""
        body = textwrap.indent(self.body, "    ")
        return f"{IMPORTS}{self.module_level}\n\ndef azureml_main(dataframe1=None, dataframe2=None):\n{body}\n"


FORK_BOMB = """for _ in range(3000):  # bounded, so a machine without a process cap survives
    if os.fork() == 0:
        time.sleep(20)
        os._exit(0)
"""

CASES = (
    Hostile("os_exit", "os._exit(0)", "crash"),
    Hostile("segfault", "ctypes.string_at(0)", "crash"),
    Hostile("endless_loop", "while True:\n    pass", "timeout"),
    Hostile(
        "memory_bomb",
        "hoard = []\nwhile True:\n    hoard.append(np.empty(10**9))",
        "memory",
        ("MemoryError", "_ArrayMemoryError"),
    ),
    Hostile("fork_bomb", FORK_BOMB, "script", ("BlockingIOError", "OSError")),
    Hostile("stdout_flood", f"sys.stdout.write('x' * {FLOOD_BYTES})\nreturn {FRAME}"),
    Hostile("sys_exit", "sys.exit(3)", "script", ("SystemExit",)),
    Hostile("keyboard_interrupt", "raise KeyboardInterrupt()", "script", ("KeyboardInterrupt",)),
    Hostile(
        "recursion",
        "sys.setrecursionlimit(200)\nf = lambda n: f(n + 1)\nf(0)",
        "script",
        ("RecursionError",),
    ),
    Hostile("deletes_workdir", f"shutil.rmtree(os.getcwd())\nreturn {FRAME}"),
    Hostile(
        "module_level_changes",
        f"return {FRAME}",
        module_level="os.chdir('/')\ndel sys.path[:]\nos.environ.clear()\nsys.modules.pop('json', None)",
    ),
)
IDS = [case.name for case in CASES]

PROBE = """import os, sys
import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    return pd.DataFrame({
        "sum": [int(dataframe1["value"].sum()) if dataframe1 is not None else -1],
        "path_ok": [any(os.path.isdir(os.path.join(p, "pandas")) for p in sys.path)],
        "env_ok": ["PATH" in os.environ],
        "cwd_is_work": [os.path.basename(os.getcwd()) == "work"],
    }),
"""
"""The run after each case: reads its input, and sees a normal sys.path, environment and cwd."""
PROBE_INPUT = "key,value\na,1\nb,2\nc,5\n"
PROBE_ROW = {"sum": 8, "path_ok": True, "env_ok": True, "cwd_is_work": True}


def dispatching_script() -> str:
    """The cases that run inside ``azureml_main`` in one script, whose input's ``case`` column
    picks one; no ``case`` column runs the probe. For a served script."""
    cases = "".join(
        f"    if case == {case.name!r}:\n{textwrap.indent(case.body, ' ' * 8)}\n"
        for case in CASES
        if not case.module_level
    )
    probe = PROBE.split("def azureml_main(dataframe1=None, dataframe2=None):\n", 1)[1]
    return f"""{IMPORTS}

def azureml_main(dataframe1=None, dataframe2=None):
    case = str(dataframe1["case"].iloc[0]) if "case" in dataframe1 else "probe"
{cases}{probe}"""
