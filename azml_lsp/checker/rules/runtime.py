"""AZ6xx: what the script does at run time that the cloud module handles differently."""

from __future__ import annotations

import ast
import re

from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Fix, Severity, TextEdit
from azml_lsp.checker.registry import Rule, register
from azml_lsp.contract import BUNDLE_DIR_NAME, ENTRY_POINT, PROFILES, Dialect
from azml_lsp.contract.loading import WORKDIR_SWITCHES_AROUND_CALL

NETWORK = register(Rule(
    "AZ601", "network-access-classic", Severity.ERROR,
    "classic: reports imports and calls that reach the network (HTTP clients, sockets, SQL "
    "drivers, `nltk.download`).",
    "The Studio (classic) sandbox blocks network access: the call fails or hangs in the cloud "
    "although it works locally.",
    "import requests\n\ndef azureml_main(dataframe1=None):\n    requests.get('https://example.com')",
    "Bring the data in through an input port (Import Data) or ship it in the Script Bundle.",
))  # fmt: skip
WRITES = register(Rule(
    "AZ602", "write-outside-workdir-classic", Severity.ERROR,
    "classic: reports writes to absolute paths or paths outside the working directory "
    "(`open(..., 'w')`, `.to_csv`, `.savefig`, ...).",
    "Only the current directory and its subdirectories are accessible in the Studio (classic) "
    "sandbox, and files are deleted when the module finishes.",
    "dataframe1.to_csv('C:\\\\temp\\\\out.csv')",
    "Write relative paths in the working directory, and return results as tables.",
))  # fmt: skip
PYPLOT_ORDER = register(Rule(
    "AZ603", "pyplot-backend", Severity.WARNING,
    "Reports `matplotlib.pyplot` imported before `matplotlib.use('Agg')` (classic), and "
    "interactive backends such as `TkAgg` (both dialects).",
    "The cloud has no display: classic needs the Agg backend selected before pyplot loads; an "
    "interactive backend fails to start.",
    "import matplotlib.pyplot as plt\nimport matplotlib\nmatplotlib.use('Agg')",
    "Call `matplotlib.use('Agg')` right after `import matplotlib`, before importing pyplot.",
))  # fmt: skip
AGG_CALL = 'matplotlib.use("Agg")'
"""The backend the cloud can draw with: it has no display (CONTRACT.md section 5)."""
SWITCH_TO_AGG = "Switch matplotlib to the Agg backend"
SHOW = register(Rule(
    "AZ604", "plt-show", Severity.WARNING,
    "classic: reports `plt.show()`.",
    "There is no display: `show()` does nothing there, and only PNG files saved in the "
    "working directory reach the Python Device port.",
    "plt.plot(dataframe1['x'])\nplt.show()",
    "Save the figure instead: `plt.savefig('plot.png')`.",
    fixable=True,
))  # fmt: skip
NOT_SAVED = register(Rule(
    "AZ605", "figure-not-saved", Severity.WARNING,
    "Reports scripts that plot with matplotlib but never call `savefig` (classic) or never "
    "upload the image (designer).",
    "classic shows only PNG files saved in the working directory; the designer deletes them "
    "and shows only images uploaded with `Run.get_context().upload_file(...)`.",
    "plt.plot(dataframe1['x'])  # nothing saved: the plot is lost",
    "classic: `fig.savefig('plot.png')`; designer: save it, then "
    "`Run.get_context().upload_file('plot.png', 'plot.png')`.",
))  # fmt: skip
MAIN_GUARD = register(Rule(
    "AZ606", "main-guard", Severity.WARNING,
    "Reports `if __name__ == '__main__':` blocks.",
    "The module imports the script under another name, so the block never runs in the cloud; "
    "tests or setup inside it are skipped there.",
    "if __name__ == '__main__':\n    azureml_main(pd.read_csv('local.csv'))",
    "Run the script locally with `azml run` instead, and keep cloud code in `azureml_main`.",
))  # fmt: skip
BUNDLE_PATH = register(Rule(
    "AZ607", "module-level-bundle-path", Severity.WARNING,
    f"Reports paths into `{BUNDLE_DIR_NAME}` used at module level (outside functions).",
    "The designer switches the working directory to the folder holding the bundle only around "
    f"the `{ENTRY_POINT}` call; at import time a relative path points elsewhere.",
    "model = pickle.load(open('Script Bundle/model.pkl', 'rb'))  # at import time",
    f"Open bundle files inside `{ENTRY_POINT}` (or a function it calls).",
))  # fmt: skip
PIP = register(Rule(
    "AZ608", "pip-install", Severity.WARNING,
    "Reports `pip install` run from the script: an error in classic (no pip), a warning in "
    "the designer unless guarded by `importlib.util.find_spec`.",
    "Studio (classic) has no pip; the designer installs on every run (and every web-service "
    "request) unless the install is skipped when the package is already there.",
    "os.system('pip install lightgbm')",
    "designer: `if importlib.util.find_spec('lightgbm') is None: os.system('pip install "
    "lightgbm')`; classic: put the package in the Script Bundle.",
))  # fmt: skip
TOO_LONG = register(Rule(
    "AZ609", "script-too-long", Severity.WARNING,
    "designer: reports scripts longer than the command-line limit "
    f"({PROFILES[Dialect.DESIGNER].script_char_limit} characters).",
    "The designer passes the script on a command line; a longer one fails with \"CommandLine "
    "exceeds the limit\".",
    "# a 20 KB script with helper functions pasted in",
    "Move helpers into a module in the Script Bundle and import it.",
))  # fmt: skip

NETWORK_MODULES = frozenset(
    {
        "requests", "urllib2", "httplib", "http", "socket", "httpx", "aiohttp", "pyodbc",
        "pymssql", "psycopg2", "pymysql", "sqlalchemy", "ftplib", "smtplib", "paramiko",
        "boto3", "tweepy", "urllib3",
    }
)  # fmt: skip
NETWORK_CALLS = frozenset(
    {"urllib.request.urlopen", "urllib.urlopen", "nltk.download", "urllib.urlretrieve"}
)
WRITE_METHODS = frozenset(
    {
        "to_csv",
        "to_excel",
        "to_pickle",
        "to_parquet",
        "to_json",
        "to_hdf",
        "savefig",
        "save",
        "dump",
    }
)
INTERACTIVE_BACKENDS = re.compile(r"^(tk|qt|gtk|wx|macosx|nbagg|webagg)", re.IGNORECASE)
_ABSOLUTE = re.compile(r"^([A-Za-z]:[\\/]|[\\/]|~|\.\.([\\/]|$))")


def check_network(ctx: Context) -> None:
    """AZ601 (classic only)."""
    if not ctx.profile.network_blocked:
        return
    for node in ctx.nodes(ast.Import, ast.ImportFrom):
        names = (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
        for name in names:
            if name.split(".")[0] in NETWORK_MODULES or name.startswith("urllib.request"):
                ctx.report(
                    NETWORK.code,
                    node,
                    f"`{name}` reaches the network, which the Studio (classic) sandbox blocks; "
                    "bring data in through an input port or the Script Bundle",
                )
    for call in ctx.nodes(ast.Call):
        origin = ctx.inference.origin(call.func)
        if origin in NETWORK_CALLS:
            ctx.report(
                NETWORK.code,
                call,
                f"`{origin}` reaches the network, which the Studio (classic) sandbox blocks; "
                "ship the files in the Script Bundle",
            )


def check_writes(ctx: Context) -> None:
    """AZ602 (classic only)."""
    if not ctx.profile.writes_outside_workdir_blocked:
        return
    for call in ctx.nodes(ast.Call):
        target = _written_path(call)
        if target is not None and _ABSOLUTE.match(str(target.value)):
            ctx.report(
                WRITES.code,
                target,
                f"writes to {target.value!r}, outside the working directory: the Studio "
                "(classic) sandbox allows only the working directory; use a relative path",
            )


def _written_path(call: ast.Call) -> ast.Constant | None:
    func = call.func
    first = call.args[0] if call.args else None
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    if isinstance(func, ast.Name) and func.id == "open":
        mode = call.args[1] if len(call.args) > 1 else None
        mode = mode or next((k.value for k in call.keywords if k.arg == "mode"), None)
        if (
            isinstance(mode, ast.Constant)
            and isinstance(mode.value, str)
            and set(mode.value) & set("wax+")
        ):
            return first
        return None
    if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
        return first
    return None


def check_matplotlib(ctx: Context) -> None:
    """AZ603, AZ604, AZ605."""
    pyplot_imports = [n for n in ctx.nodes(ast.Import, ast.ImportFrom) if _imports_pyplot(n)]
    uses = [
        c
        for c in ctx.nodes(ast.Call)
        if isinstance(c.func, ast.Attribute)
        and isinstance(c.func.value, ast.Name)
        and c.func.value.id == "matplotlib"
        and c.func.attr == "use"
    ]
    classic = ctx.profile.png_outputs == "collected"
    for use in uses:
        backend = use.args[0] if use.args else None
        name = str(backend.value) if isinstance(backend, ast.Constant) else ""
        if INTERACTIVE_BACKENDS.match(name):
            ctx.report(
                PYPLOT_ORDER.code,
                use,
                f"backend {name!r} needs a display, which the cloud does not have; use "
                "`matplotlib.use('Agg')`",
                Fix(SWITCH_TO_AGG, [ctx.replace(use, AGG_CALL)], safe=True),
            )
    if classic and pyplot_imports:
        first_use = min((u.lineno for u in uses), default=None)
        first_import = pyplot_imports[0]
        if first_use is None or first_use > first_import.lineno:
            line = first_import.lineno
            text = ctx.lines[line - 1] if line <= len(ctx.lines) else ""
            indent = text[: len(text) - len(text.lstrip())]
            select = f"{indent}import matplotlib\n{indent}{AGG_CALL}\n"
            ctx.report(
                PYPLOT_ORDER.code,
                first_import,
                "pyplot is imported before `matplotlib.use('Agg')`: Studio (classic) has no "
                "display; call `matplotlib.use('Agg')` right after `import matplotlib`",
                Fix(SWITCH_TO_AGG, [TextEdit(line, 1, line, 1, select)], safe=True),
            )
    if not pyplot_imports:
        return
    attributes = {c.func.attr: c for c in ctx.nodes(ast.Call) if isinstance(c.func, ast.Attribute)}
    if classic:
        for call in ctx.nodes(ast.Call):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "show" and not call.args:
                ctx.report(
                    SHOW.code,
                    call,
                    "`show()` does nothing in Studio (classic): save the figure as a PNG in the "
                    "working directory instead",
                    Fix(
                        "Save the figure instead",
                        [ctx.replace(call, _savefig(ctx, call))],
                        safe=False,
                    ),
                )
    if "savefig" not in attributes:
        ctx.report(
            NOT_SAVED.code,
            pyplot_imports[0],
            "the script plots but never calls `savefig`: "
            + (
                "Studio (classic) shows only PNG files saved in the working directory"
                if classic
                else "the designer shows only images uploaded with "
                "`Run.get_context().upload_file(...)`"
            ),
        )
    elif not classic and "upload_file" not in attributes and "log_image" not in attributes:
        ctx.report(
            NOT_SAVED.code,
            attributes["savefig"],
            "the designer deletes files left in its temp folder: upload the image with "
            "`Run.get_context().upload_file(name, path)` to see it",
            severity=Severity.INFO,
        )


def _savefig(ctx: Context, call: ast.Call) -> str:
    assert isinstance(call.func, ast.Attribute)
    return f"{ctx.segment(call.func.value)}.savefig('plot.png')"


def _imports_pyplot(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return any(a.name == "matplotlib.pyplot" or a.name == "pylab" for a in node.names)
    return node.module in ("matplotlib.pyplot", "pylab") or (
        node.module == "matplotlib" and any(a.name == "pyplot" for a in node.names)
    )


def check_main_guard(ctx: Context) -> None:
    """AZ606."""
    for node in ctx.tree.body if ctx.tree else []:
        if isinstance(node, ast.If) and _is_main_test(node.test):
            ctx.report(
                MAIN_GUARD.code,
                node.test,
                "`if __name__ == '__main__':` never runs in the cloud (the script is imported "
                "under another name); run it locally with `azml run` instead",
            )


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    names = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    return names and main


def check_bundle_paths(ctx: Context) -> None:
    """AZ607 (dialects that switch the working directory only around the call)."""
    if not WORKDIR_SWITCHES_AROUND_CALL[ctx.config.dialect] or BUNDLE_DIR_NAME not in ctx.source:
        return
    for constant in ctx.nodes(ast.Constant):
        value = constant.value
        if (
            isinstance(value, str)
            and value.replace("\\", "/").lstrip("./").startswith(BUNDLE_DIR_NAME)
            and ctx.at_module_level(constant)
        ):
            ctx.report(
                BUNDLE_PATH.code,
                constant,
                f"{value!r} is used at import time, but the working directory changes to the "
                f"bundle's folder only during `{ENTRY_POINT}`: open it inside the function",
            )


def check_pip(ctx: Context) -> None:
    """AZ608."""
    if "pip" not in ctx.source:
        return
    guarded = _find_spec_guarded(ctx)
    for call in ctx.nodes(ast.Call):
        if not _is_pip_install(ctx, call):
            continue
        if not ctx.profile.installs_packages:
            ctx.report(
                PIP.code,
                call,
                "Studio (classic) has no pip: ship the package in the Script Bundle instead",
                severity=Severity.ERROR,
            )
        elif call.lineno not in guarded:
            ctx.report(
                PIP.code,
                call,
                "`pip install` runs on every run and web-service request: guard it with "
                "`if importlib.util.find_spec('name') is None:`",
            )


def _is_pip_install(ctx: Context, call: ast.Call) -> bool:
    origin = ctx.inference.origin(call.func) or ""
    if origin not in ("os.system", "os.popen") and not origin.startswith("subprocess."):
        return False
    text = ctx.segment(call)
    return "pip" in text and "install" in text


def _find_spec_guarded(ctx: Context) -> set[int]:
    lines: set[int] = set()
    for node in ctx.nodes(ast.If):
        if "find_spec" in ctx.segment(node.test):
            for statement in [*node.body, *node.orelse]:
                lines.update(
                    range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
                )
    return lines


def check_length(ctx: Context) -> None:
    """AZ609."""
    limit = ctx.profile.script_char_limit
    if limit is not None and len(ctx.source) > limit:
        ctx.report(
            TOO_LONG.code,
            ctx.whole_line(1),
            f"the script has {len(ctx.source)} characters; the designer's command line takes "
            f"at most {limit}: move helper code into a module in the Script Bundle",
        )


CHECKS = [
    (("AZ601",), check_network, True),
    (("AZ602",), check_writes, True),
    (("AZ603", "AZ604", "AZ605"), check_matplotlib, True),
    (("AZ606",), check_main_guard, True),
    (("AZ607",), check_bundle_paths, True),
    (("AZ608",), check_pip, True),
    (("AZ609",), check_length, False),
]
