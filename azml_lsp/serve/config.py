"""What ``azml serve`` is asked to serve, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from azml_lsp.contract.dialects import DEFAULT_DIALECT, Dialect
from azml_lsp.runtime.model import DEFAULT_MEMORY_MB
from azml_lsp.serve.schema import TableSchema

#: The classic request-response service's default concurrency limit (CONTRACT.md section 9).
DEFAULT_MAX_CONCURRENT = 20
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_WORKERS = 2
#: Extra seconds the server waits past the run's own timeout before it kills the run itself.
WATCHDOG_GRACE_S = 10.0


@dataclass
class ServeConfig:
    """One served script and the limits it is served with."""

    script: Path
    bundle: Path | None = None
    dialect: Dialect = DEFAULT_DIALECT
    workers: int = DEFAULT_WORKERS
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int | None = DEFAULT_MEMORY_MB
    max_concurrent: int = DEFAULT_MAX_CONCURRENT
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    api_key: str | None = field(default=None, repr=False)
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    """Expected columns per input name (``input1``, ``input2``), from sample datasets."""
    python: str | None = None
