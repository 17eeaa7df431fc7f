"""Per-dialect facts beyond calling and returning: ports, loading, runtimes, limits, sandbox.

Sources are named as in CONTRACT.md (S1 classic reference, S2 classic how-to, S5 classic FAQ, S9
designer reference, S13 the designer module's behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass

from azml_lsp.contract.dialects import Dialect
from azml_lsp.contract.twins import BUILTIN_TWINS, DEFAULT_TWINS, cloud_version, minor_version

INPUT_PORTS = ("Dataset1", "Dataset2", "Script Bundle")
OUTPUT_PORTS = ("Result Dataset", "Python Device")
BUNDLE_DIR_NAME = "Script Bundle"
"""The folder, inside the working directory, the Script Bundle zip is extracted into (S1, S9)."""
SCRIPT_MODULE_PREFIX = "user_script_"
"""The script is imported as ``user_script_<hex>``: ``__name__`` is never ``"__main__"`` (S13)."""
SYS_PATH_POSITION = "append"
"""The working directory and the bundle folder are appended to ``sys.path``: installed modules of
the same name win (S9)."""


@dataclass(frozen=True)
class DialectProfile:
    """Facts of one dialect that the runtime and the checker both read."""

    title: str
    python_versions: tuple[str, ...]
    """Python versions of the cloud runtimes, oldest first."""
    default_target_python: str
    """The Python of the dialect's default twin (``contract.twins``)."""
    pandas_version: str
    """The pandas of the default twin, for API-removal checks."""
    png_outputs: str
    """``"collected"``: PNGs in the working directory go to Python Device (classic, S2);
    ``"deleted"``: the designer deletes them with the temp dir; upload them instead (S9)."""
    network_blocked: bool
    writes_outside_workdir_blocked: bool
    script_char_limit: int | None
    """The designer puts the script on a command line limited to 16597 characters (S9)."""
    input_bytes_limit: int | None
    """Classic scripting modules take at most 10 GB of input (S5)."""
    installs_packages: bool
    """The designer allows ``os.system("pip install ...")``; classic has no pip (S2, S9)."""
    default_index: str
    """``"int64"``: inputs get a 64-bit integer index 0..n-1 (classic, S2); ``"range"``: a
    RangeIndex (designer)."""
    web_service_state: str
    """What a web-service request starts from (section 9): ``"fresh"``, the module runs on
    every call (classic, S2; read strictly: nothing kept from the last call, since the sources
    say nothing of state that lives on); ``"reimported"``, the script is imported again for
    every request in a process that lives on, so the modules it imports keep their state
    (designer, S9 and the module's code)."""


def _default_python(dialect: Dialect) -> str:
    """The Python of the dialect's default cloud twin (what checks target by default)."""
    return minor_version(BUILTIN_TWINS[DEFAULT_TWINS[dialect]].cloud_python)


def _default_pandas(dialect: Dialect) -> str:
    """The pandas the dialect's default cloud twin stands for (the cloud's, not its stand-in)."""
    version = cloud_version(BUILTIN_TWINS[DEFAULT_TWINS[dialect]], "pandas")
    assert version is not None, "every built-in twin pins pandas"
    return version


PROFILES: dict[Dialect, DialectProfile] = {
    Dialect.CLASSIC: DialectProfile(
        title="Azure ML Studio (classic) Execute Python Script",
        python_versions=("2.7", "3.5"),
        default_target_python=_default_python(Dialect.CLASSIC),
        pandas_version=_default_pandas(Dialect.CLASSIC),
        png_outputs="collected",
        network_blocked=True,
        writes_outside_workdir_blocked=True,
        script_char_limit=None,
        input_bytes_limit=10 * 1024**3,
        installs_packages=False,
        default_index="int64",
        web_service_state="fresh",
    ),
    Dialect.DESIGNER: DialectProfile(
        title="Azure ML designer Execute Python Script (v1.1)",
        python_versions=("3.6", "3.7", "3.8", "3.9", "3.10"),
        default_target_python=_default_python(Dialect.DESIGNER),
        pandas_version=_default_pandas(Dialect.DESIGNER),
        png_outputs="deleted",
        network_blocked=False,
        writes_outside_workdir_blocked=False,
        script_char_limit=16597,
        input_bytes_limit=None,
        installs_packages=True,
        default_index="range",
        web_service_state="reimported",
    ),
}
