"""What a run is asked to do and what it reports: plain data, JSON both ways.

The JSON form of :class:`RunResult` is the one ``azml run --json`` prints and the language
server's ``azml.run`` command returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from azml_lsp.contract.dialects import DEFAULT_DIALECT

OutputFormat = Literal["csv", "parquet"]
SandboxMode = Literal["off", "strict"]

DEFAULT_TIMEOUT_S = 600.0
DEFAULT_MEMORY_MB = 8192
MIN_MEMORY_MB = 512
"""The smallest memory cap: Python with pandas and pyarrow takes about 400 MB of address space
before it reads any data."""
DEFAULT_BUNDLE_MAX_BYTES = 1024 * 1024 * 1024
DEFAULT_BUNDLE_MAX_ENTRIES = 20_000
DEFAULT_BUNDLE_MAX_RATIO = 200.0
DEFAULT_CAPTURE_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PROCESSES = 256


@dataclass
class DebugOptions:
    """Run under debugpy, listening on ``host``; port 0 picks a free one."""

    host: str = "127.0.0.1"
    port: int = 0
    wait_for_client: bool = True


@dataclass
class TwinTarget:
    """A created cloud twin a run executes in (resolved from the request's ``env``)."""

    name: str
    python: str
    """The twin's interpreter."""
    site: str
    """The folder holding the twin's packages."""
    summary: str
    """Where the run happens, in words: ``designer twin: Python 3.8.18, pandas 1.1.5``."""
    zygote: str | None = None
    """The folder of this twin's warm zygote, when the caller keeps one (see ``twins.zygotes``)."""


@dataclass
class RunRequest:
    """Everything one run needs. Paths are absolute once :meth:`resolved` has been called."""

    script: str
    dataset1: str | None = None
    dataset2: str | None = None
    bundle: str | None = None
    dialect: str = DEFAULT_DIALECT.value
    out_dir: str | None = None
    format: OutputFormat = "csv"
    timeout_s: float | None = DEFAULT_TIMEOUT_S
    memory_mb: int | None = DEFAULT_MEMORY_MB
    sandbox: SandboxMode = "off"
    keep_workdir: bool = False
    python: str | None = None
    """The interpreter that runs the script; None: the one running azml."""
    env: str | None = None
    """The environment to run in: a cloud twin's name or ``local``; None: the dialect's twin
    when it is created, else local (see ``runner.resolve_environment``)."""
    target_python: str | None = None
    """The script's declared target Python (``2.7``): picks the default twin of that Python."""
    twin: TwinTarget | None = None
    """The created twin ``env`` named, filled in when the request is prepared."""
    environment_note: str = ""
    """A line for the user about where the run happens (e.g. how to create the twin)."""
    debug: DebugOptions | None = None
    bundle_max_bytes: int = DEFAULT_BUNDLE_MAX_BYTES
    bundle_max_entries: int = DEFAULT_BUNDLE_MAX_ENTRIES
    bundle_max_ratio: float = DEFAULT_BUNDLE_MAX_RATIO
    capture_max_bytes: int = DEFAULT_CAPTURE_MAX_BYTES
    max_processes: int = DEFAULT_MAX_PROCESSES
    """How many processes the run may have at once (the fork-bomb guard)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRequest:
        debug, twin = data.get("debug"), data.get("twin")
        nested = ("debug", "twin")
        fields = {
            k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k not in nested
        }
        return cls(
            **fields,
            debug=DebugOptions(**debug) if debug else None,
            twin=TwinTarget(**twin) if twin else None,
        )


@dataclass
class Frame:
    """One traceback frame, in the user's own files (bundle frames map back to their source)."""

    path: str
    line: int
    function: str
    text: str = ""


@dataclass
class RunError:
    """Why a run failed. ``code`` is the module's error code (85 for any script failure)."""

    code: int
    message: str
    exception: str | None = None
    """The exception class name, e.g. ``"ZeroDivisionError"``."""
    line: int | None = None
    """1-based line in the user's script: the outermost ``azureml_main`` frame."""
    traceback: str = ""
    frames: list[Frame] = field(default_factory=list)
    kind: str = "script"
    """``script`` (the user's code raised), ``input``, ``bundle``, ``output``, ``timeout``,
    ``memory``, ``crash`` (the child died), ``cancelled``, ``internal``."""
    detail: str = ""
    """What went wrong in plain words, without the 0085 frame, and what to do."""


@dataclass
class OutputTable:
    """A result table written to disk, with a preview for reports and editors."""

    port: int
    path: str
    rows: int
    columns: list[str]
    dtypes: list[str] = field(default_factory=list)
    head: list[list[Any]] = field(default_factory=list)


@dataclass
class RunResult:
    """The structured outcome of a run."""

    ok: bool
    dialect: str
    outputs: list[OutputTable] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    duration_s: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: RunError | None = None
    script: str = ""
    workdir: str | None = None
    """The kept working directory (``keep_workdir``), else None."""
    report: str | None = None
    log: str | None = None
    environment: str = ""
    """Where the script ran: ``local: Python 3.11.7, pandas 3.1.1`` or a twin's summary."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        error = data.get("error")
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["outputs"] = [OutputTable(**o) for o in data.get("outputs", [])]
        if error:
            frames = [Frame(**f) for f in error.get("frames", [])]
            fields["error"] = RunError(**{**error, "frames": frames})
        return cls(**fields)
