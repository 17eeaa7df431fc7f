"""One scoring call: request tables in, the script run once in a warm worker, result tables out.

Tables cross the process boundary as Parquet files in a per-request temp dir, which keeps their
column types exactly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from azml_lsp.runtime.model import RunError, RunRequest, RunResult
from azml_lsp.runtime.tempdirs import owned_tempdir
from azml_lsp.serve.config import ServeConfig
from azml_lsp.serve.shapes import INPUT_NAMES, output_name

if TYPE_CHECKING:
    import pandas as pd

    from azml_lsp.runtime.processes.worker import WarmWorker


@dataclass
class ScoreOutcome:
    """Result frames by output name, or the run's error."""

    outputs: dict[str, pd.DataFrame] = field(default_factory=dict)
    error: RunError | None = None


def run_request(config: ServeConfig, workdir: Path, frames: dict[str, pd.DataFrame]) -> RunRequest:
    """The runtime request for one scoring call, its inputs written under ``workdir``."""
    paths: list[str | None] = []
    for index, name in enumerate(INPUT_NAMES, start=1):
        frame = frames.get(name)
        if frame is None:
            paths.append(None)
            continue
        path = workdir / f"dataset{index}.parquet"
        frame.to_parquet(path, index=False)
        paths.append(str(path))
    return RunRequest(
        script=str(config.script),
        dataset1=paths[0],
        dataset2=paths[1],
        bundle=str(config.bundle) if config.bundle else None,
        dialect=config.dialect.value,
        out_dir=str(workdir / "out"),
        format="parquet",
        timeout_s=config.timeout_s,
        memory_mb=config.memory_mb,
        python=config.python,
        env=config.env,
    )


def read_outputs(result: RunResult) -> dict[str, pd.DataFrame]:
    import pandas as pd

    return {
        output_name(t.port): pd.read_parquet(t.path)
        for t in sorted(result.outputs, key=lambda t: t.port)
    }


def score(
    worker: WarmWorker,
    config: ServeConfig,
    frames: dict[str, pd.DataFrame],
    cancel: threading.Event,
) -> ScoreOutcome:
    """Run the script once on ``frames`` in ``worker``; never raises for a failing script."""
    with owned_tempdir("azml-serve-") as tmp:
        try:
            request = run_request(config, tmp, frames)
        except (ValueError, TypeError) as exc:
            text = f"the request's tables cannot be stored as tables: {exc}"
            return ScoreOutcome(error=RunError(code=0, message=text, kind="input", detail=text))
        try:
            result = worker.run(request, None, cancel)
            if result.ok:
                return ScoreOutcome(outputs=read_outputs(result))
        except (RuntimeError, OSError, ValueError) as exc:
            return ScoreOutcome(error=internal_error(f"the run could not complete: {exc}"))
        return ScoreOutcome(error=result.error or internal_error("the run failed without a reason"))


def internal_error(text: str) -> RunError:
    return RunError(code=0, message=text, kind="internal", detail=text)


WARM_UP_SCRIPT = """import pandas as pd


def azureml_main(dataframe1=None, dataframe2=None):
    return pd.DataFrame({"ready": [1]}),
"""
"""A script every dialect and every twin's Python accepts: a one-row table in a tuple."""


def warm_up(worker: WarmWorker, config: ServeConfig) -> RunError | None:
    """Run a no-op script once, in the requests' environment, so the worker (and a twin's
    interpreter) is warm before the first request; its error."""
    with owned_tempdir("azml-serve-") as tmp:
        script = tmp / "warm_up.py"
        script.write_text(WARM_UP_SCRIPT, encoding="utf-8")
        request = RunRequest(
            script=str(script),
            dialect=config.dialect.value,
            timeout_s=60,
            python=config.python,
            env=config.env,
        )
        try:
            result = worker.run(request)
        except (RuntimeError, OSError) as exc:
            return internal_error(f"the worker did not start: {exc}")
        return result.error
