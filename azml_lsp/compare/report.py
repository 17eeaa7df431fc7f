"""The comparison for a person: ``compare.html`` (self-contained, both runs side by side, the
first differing cells highlighted) and ``compare.json`` (the same facts, for tools)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from azml_lsp import atomic
from azml_lsp.compare.runs import Comparison
from azml_lsp.compare.tables import TableDiff
from azml_lsp.runtime.model import OutputTable, RunResult

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;"
    "margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}"
    ".differs{background:#fdd;font-weight:bold}.equal{color:#075}.unequal{color:#b00}"
    ".side{display:inline-block;vertical-align:top;margin-right:2em}"
)


def write_comparison(comparison: Comparison, out_dir: Path) -> tuple[Path, Path]:
    """Write ``compare.html`` and ``compare.json`` into ``out_dir``; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    page, summary = out_dir / "compare.html", out_dir / "compare.json"
    atomic.write_text(summary, json.dumps(comparison.to_json(), indent=2, default=str) + "\n")
    atomic.write_text(page, render_html(comparison))
    return page, summary


def verdict(comparison: Comparison) -> str:
    """One line: equal, different, or which run failed."""
    if not comparison.runs_ok:
        return "; ".join(_failure(env, r) for env, r in _runs(comparison) if not r.ok)
    if comparison.equal:
        return f"equal: every output of {comparison.envs[0]} and {comparison.envs[1]} matches"
    return "different: " + "; ".join(
        d.summary(comparison.envs) for d in comparison.ports if not d.equal
    )


def render_html(comparison: Comparison) -> str:
    left, right = comparison.envs
    state = "equal" if comparison.equal else "unequal"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{_e(left)} vs {_e(right)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(left)} vs {_e(right)}</h1>",
        f"<p class='{state}'>{_e(verdict(comparison))}</p>",
        f"<p>Floats equal within rtol {comparison.rtol:g}, atol {comparison.atol:g}; integers, "
        "booleans and text exactly; missing equals missing; dtypes by kind.</p>",
        "<ul>",
        *(f"<li>{_e(env)}: {_e(r.environment)}</li>" for env, r in _runs(comparison)),
        "</ul>",
    ]
    for diff in comparison.ports:
        parts.append(_port(diff, comparison))
    parts.append("</body></html>\n")
    return "".join(parts)


def _failure(env: str, result: RunResult) -> str:
    """``the ENV run failed at SCRIPT:LINE: what went wrong``."""
    error = result.error
    if error is None:
        return f"the {env} run failed: no result"
    where = f" at {result.script}:{error.line}" if error.line and result.script else ""
    return f"the {env} run failed{where}: {error.detail or error.message}"


def _runs(comparison: Comparison) -> list[tuple[str, RunResult]]:
    return list(zip(comparison.envs, comparison.results, strict=True))


def _port(diff: TableDiff, comparison: Comparison) -> str:
    state = "equal" if diff.equal else "unequal"
    parts = [f"<h2>Port {diff.port}</h2><p class='{state}'>{_e(diff.summary(comparison.envs))}</p>"]
    if diff.cells:
        parts.append("<table><tr><th>row</th><th>column</th>")
        parts.extend(f"<th>{_e(env)}</th>" for env in comparison.envs)
        parts.append("</tr>")
        for cell in diff.cells:
            parts.append(
                f"<tr><td>{cell.row}</td><td>{_e(cell.column)}</td>"
                f"<td class='differs'>{_e(cell.left)}</td>"
                f"<td class='differs'>{_e(cell.right)}</td></tr>"
            )
        parts.append("</table>")
    marked = {(c.row, c.column) for c in diff.cells}
    for env, result in _runs(comparison):
        table = next((o for o in result.outputs if o.port == diff.port), None)
        if table is not None:
            parts.append(f"<div class='side'><h3>{_e(env)}</h3>{_preview(table, marked)}</div>")
    return "".join(parts)


def _preview(table: OutputTable, marked: set[tuple[int, str]]) -> str:
    head = "".join(
        f"<th>{_e(name)}<br><small>{_e(dtype)}</small></th>"
        for name, dtype in zip(
            table.columns, table.dtypes or [""] * len(table.columns), strict=False
        )
    )
    rows = []
    for index, values in enumerate(table.head):
        cells = "".join(
            f"<td class='differs'>{_e(v)}</td>" if (index, name) in marked else f"<td>{_e(v)}</td>"
            for name, v in zip(table.columns, values, strict=False)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table><small>{table.rows} rows</small>"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))
