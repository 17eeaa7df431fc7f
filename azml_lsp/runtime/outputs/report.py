"""The run's report, for a person: ``index.html`` (self-contained) and ``log.txt``.

Parent side: no pandas here. Everything comes from the :class:`RunResult`; every string from the
script, its data or its output is escaped.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from azml_lsp import atomic
from azml_lsp.runtime.model import OutputTable, RunError, RunResult
from azml_lsp.runtime.outputs.layout import OUTPUT_NAMES

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem;margin:0 0 .5rem}h2{font-size:1.1rem;margin:2rem 0 .5rem;border-bottom:1px solid
#ddd;padding-bottom:.2rem}.status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;
font-weight:600;color:#fff}.ok{background:#1a7f37}.failed{background:#cf222e}dl{display:grid;
grid-template-columns:max-content auto;gap:.2rem 1rem}dt{color:#57606a}dd{margin:0}
pre{background:#f6f8fa;border:1px solid #ddd;border-radius:6px;padding:.6rem;overflow:auto;
max-height:30rem;white-space:pre-wrap}.error pre{border-color:#cf222e;background:#fff5f5}
.scroll{overflow:auto;max-height:32rem;border:1px solid #ddd;border-radius:6px}
table{border-collapse:collapse;font-size:13px}th,td{padding:.25rem .6rem;border-bottom:1px solid
#eee;text-align:left;white-space:nowrap}th{background:#f6f8fa;position:sticky;top:0}
th small{display:block;font-weight:400;color:#57606a}td.na{color:#aaa}td.num{text-align:right}
ul.warnings li{color:#9a6700}figure{margin:1rem 0}img{max-width:100%;border:1px solid #ddd}
figcaption{color:#57606a;font-size:12px}
"""


def write_report(result: RunResult, out_dir: Path) -> tuple[Path, Path]:
    """Write ``index.html`` and ``log.txt`` into ``out_dir`` atomically; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / OUTPUT_NAMES["report"]
    log = out_dir / OUTPUT_NAMES["log"]
    atomic.write_text(log, render_log(result))
    atomic.write_text(report, render_html(result, out_dir))
    return report, log


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def status_text(result: RunResult) -> str:
    return "succeeded" if result.ok else "failed"


def render_log(result: RunResult) -> str:
    """The plain-text log: what ran, how it ended, warnings, the error, stdout and stderr."""
    lines = [
        f"script:   {result.script}",
        f"dialect:  {result.dialect}",
        f"ran in:   {result.environment}",
        f"status:   {status_text(result)} in {result.duration_s:.2f} s",
    ]
    lines += [
        f"output:   port {t.port}: {t.path} (rows: {t.rows}, columns: {len(t.columns)})"
        for t in result.outputs
    ]
    lines += [f"image:    {path}" for path in result.images]
    lines += [f"warning:  {warning}" for warning in result.warnings]
    if result.error is not None:
        lines += ["", "error:", result.error.message]
        if result.error.detail and result.error.detail != result.error.message:
            lines += [result.error.detail]
        if result.error.traceback:
            lines += ["", result.error.traceback.rstrip("\n")]
    lines += ["", "---------- stdout ----------", result.stdout.rstrip("\n")]
    lines += ["", "---------- stderr ----------", result.stderr.rstrip("\n")]
    return "\n".join(lines) + "\n"


def render_html(result: RunResult, out_dir: Path) -> str:
    """The report page; links and images are relative to ``out_dir``."""
    state = "ok" if result.ok else "failed"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>azml run: {_e(Path(result.script).name or 'script')} {status_text(result)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_e(Path(result.script).name or 'script')} "
        f'<span class="status {state}">{status_text(result)}</span></h1>',
        _summary(result),
    ]
    if result.error is not None:
        parts.append(_error(result.error, result.script))
    if result.warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in result.warnings)
        parts.append(f'<h2>Warnings</h2><ul class="warnings">{items}</ul>')
    parts += [_table(table, out_dir) for table in result.outputs]
    if result.images:
        parts.append(_images(result.images, out_dir))
    parts.append(_output("stdout", result.stdout))
    parts.append(_output("stderr", result.stderr))
    parts.append(f'<p><a href="{_e(OUTPUT_NAMES["log"])}">Full log</a></p></body></html>')
    return "\n".join(parts) + "\n"


def _summary(result: RunResult) -> str:
    rows = [
        ("Script", result.script),
        ("Dialect", result.dialect),
        ("Ran in", result.environment),
        ("Duration", f"{result.duration_s:.2f} s"),
        ("Outputs", ", ".join(f"port {t.port}: {t.rows} rows" for t in result.outputs) or "none"),
        ("Images", str(len(result.images))),
    ]
    if result.workdir:
        rows.append(("Working directory (kept)", result.workdir))
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return f"<dl>{body}</dl>"


def _error(error: RunError, script: str) -> str:
    where = f"{script}:{error.line}" if error.line is not None else ""
    facts = [
        ("Exception", error.exception),
        ("Where", where),
        ("Code", f"{error.code:04d}" if error.code else ""),
        ("Kind", error.kind),
    ]
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts if v)
    parts = ['<section class="error"><h2>Error</h2>', f"<dl>{body}</dl>"]
    parts.append(f"<pre>{_e(error.message)}</pre>")
    if error.detail and error.detail != error.message:
        parts.append(f"<p>{_e(error.detail)}</p>")
    if error.traceback:
        parts.append(f"<h3>Traceback</h3><pre>{_e(error.traceback)}</pre>")
    parts.append("</section>")
    return "".join(parts)


def _relative(path: str, out_dir: Path) -> str:
    try:
        return Path(os.path.relpath(path, out_dir)).as_posix()
    except ValueError:
        return Path(path).as_uri()


def _table(table: OutputTable, out_dir: Path) -> str:
    name = Path(table.path).name if table.path else f"port {table.port}"
    link = (
        f'<a href="{_e(_relative(table.path, out_dir))}">{_e(name)}</a>' if table.path else _e(name)
    )
    dtypes = table.dtypes or [""] * len(table.columns)
    head = "".join(
        f"<th>{_e(column)}<small>{_e(dtype)}</small></th>"
        for column, dtype in zip(table.columns, dtypes, strict=False)
    )
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.head)
    shown = f"first {len(table.head)} rows" if len(table.head) < table.rows else "all rows"
    return (
        f"<h2>Result dataset, port {table.port}</h2>"
        f"<p>{link}: {table.rows} rows &times; {len(table.columns)} columns ({shown})</p>"
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="na" title="missing">NaN</td>'
    if isinstance(value, bool):
        return f"<td>{value}</td>"
    if isinstance(value, int | float):
        return f'<td class="num">{_e(value)}</td>'
    return f"<td>{_e(value)}</td>"


def _images(images: list[str], out_dir: Path) -> str:
    figures = "".join(
        f'<figure><img src="{_e(_relative(path, out_dir))}" alt="{_e(Path(path).name)}">'
        f"<figcaption>{_e(Path(path).name)}</figcaption></figure>"
        for path in images
    )
    return f"<h2>Python Device: images</h2>{figures}"


def _output(title: str, text: str) -> str:
    if not text:
        return f"<h2>{title}</h2><p><em>(empty)</em></p>"
    return f"<h2>{title}</h2><pre>{_e(text)}</pre>"
