"""Per-dialect facts beyond calling and returning: ports, loading, runtimes, limits, sandbox.

Sources are named as in CONTRACT.md (S1 classic reference, S2 classic how-to, S5 classic FAQ, S9
designer reference, S13 the designer module's behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass

from azml_lsp.contract.dialects import Dialect

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
    pandas_version: str
    """The pandas of the default runtime, for API-removal checks."""
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


PROFILES: dict[Dialect, DialectProfile] = {
    Dialect.CLASSIC: DialectProfile(
        title="Azure ML Studio (classic) Execute Python Script",
        python_versions=("2.7", "3.5"),
        default_target_python="3.5",
        pandas_version="0.18",
        png_outputs="collected",
        network_blocked=True,
        writes_outside_workdir_blocked=True,
        script_char_limit=None,
        input_bytes_limit=10 * 1024**3,
        installs_packages=False,
        default_index="int64",
    ),
    Dialect.DESIGNER: DialectProfile(
        title="Azure ML designer Execute Python Script (v1.1)",
        python_versions=("3.6", "3.7", "3.8", "3.9", "3.10"),
        default_target_python="3.8",
        pandas_version="1.1",
        png_outputs="deleted",
        network_blocked=False,
        writes_outside_workdir_blocked=False,
        script_char_limit=16597,
        input_bytes_limit=None,
        installs_packages=True,
        default_index="range",
    ),
}

CLASSIC_RUNTIMES = (
    "Anaconda 2.0/Python 2.7.7",
    "Anaconda 4.0/Python 2.7.11",
    "Anaconda 4.0/Python 3.5",
)
"""The runtimes Studio (classic) offered (S1)."""
DESIGNER_PACKAGE_PINS = {
    "pandas": "1.0.4-1.1.5",
    "numpy": "1.19",
    "scikit-learn": "0.22.2",
    "scipy": "1.4-1.10",
    "matplotlib": "3.1-3.3",
    "pyarrow": "14",
}
"""Versions seen in the designer's environment (S9, package metadata)."""
