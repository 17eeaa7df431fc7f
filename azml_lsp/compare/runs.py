"""Run a request in two environments and compare the tables each wrote."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from azml_lsp.compare.tables import DEFAULT_ATOL, DEFAULT_RTOL, TableDiff, compare_tables, one_sided
from azml_lsp.runtime.model import RunRequest, RunResult


@dataclass
class Comparison:
    """Two runs of one script and how their outputs differ."""

    envs: tuple[str, str]
    results: tuple[RunResult, RunResult]
    ports: list[TableDiff] = field(default_factory=list)
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL

    @property
    def runs_ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def equal(self) -> bool:
        """Both runs succeeded and wrote equal tables on every port."""
        return self.runs_ok and all(diff.equal for diff in self.ports)

    def to_json(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "envs": list(self.envs),
            "tolerance": {"rtol": self.rtol, "atol": self.atol},
            "runs": [
                {
                    "env": env,
                    "ok": result.ok,
                    "environment": result.environment,
                    "error": result.error.message if result.error else None,
                    "outputs": [output.path for output in result.outputs],
                }
                for env, result in zip(self.envs, self.results, strict=True)
            ],
            "ports": [diff.to_json() for diff in self.ports],
        }


def compare_runs(
    request: RunRequest,
    envs: tuple[str, str],
    out_dir: Path,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> Comparison:
    """Run ``request`` in each of ``envs`` (outputs as Parquet under ``out_dir/<n>-<env>``, so
    dtypes survive) and compare the results port by port."""
    requests = (replace(request, env=envs[0]), replace(request, env=envs[1]))
    return compare_requests(requests, out_dir, rtol, atol)


def preflight(requests: tuple[RunRequest, RunRequest]) -> None:
    """Check both requests before either runs (script, datasets, bundle, environment): raises
    RequestError with each distinct reason once, so a wrong path or twin costs no run."""
    from azml_lsp.runtime.runner import RequestError, prepare_request

    reasons: list[str] = []
    for request in requests:
        try:
            prepare_request(request)
        except RequestError as exc:
            reasons += [str(exc)] if str(exc) not in reasons else []
    if reasons:
        raise RequestError("; ".join(reasons))


def compare_requests(
    requests: tuple[RunRequest, RunRequest],
    out_dir: Path,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
) -> Comparison:
    """Run two requests (each in its own ``env``; e.g. a script and its migrated version) and
    compare the results port by port."""
    from azml_lsp.runtime import run

    envs = (requests[0].env or "local", requests[1].env or "local")
    results = tuple(
        run(replace(req, format="parquet", out_dir=str(out_dir / f"{n}-{env}")))
        for n, (req, env) in enumerate(zip(requests, envs, strict=True), start=1)
    )
    left, right = results
    comparison = Comparison(envs=envs, results=(left, right), rtol=rtol, atol=atol)
    if comparison.runs_ok:
        comparison.ports = _port_diffs(left, right, envs, rtol, atol)
    return comparison


def _port_diffs(
    left: RunResult, right: RunResult, envs: tuple[str, str], rtol: float, atol: float
) -> list[TableDiff]:
    import pandas as pd

    tables = [{o.port: o.path for o in result.outputs} for result in (left, right)]
    diffs = []
    for port in sorted(set(tables[0]) | set(tables[1])):
        if port not in tables[1]:
            diffs.append(one_sided(port, envs[0]))
        elif port not in tables[0]:
            diffs.append(one_sided(port, envs[1]))
        else:
            frames = [pd.read_parquet(t[port]) for t in tables]
            diffs.append(compare_tables(port, frames[0], frames[1], rtol, atol))
    return diffs
