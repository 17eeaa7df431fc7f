"""The HTML report, the log and the terminal summary, from real result files."""

from __future__ import annotations

import html.parser
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from azml_lsp.cli.summary import print_summary
from azml_lsp.contract.errors import error_0085
from azml_lsp.runtime.model import Frame, OutputTable, RunError, RunResult
from azml_lsp.runtime.outputs import collect_images, preview, write_table
from azml_lsp.runtime.outputs.layout import OUTPUT_NAMES, images_dir, table_path
from azml_lsp.runtime.outputs.report import write_report

HOSTILE = "<script>alert('x')</script> & \"quotes\" [bold]markup[/bold]"


@pytest.fixture
def result(tmp_path: Path) -> RunResult:
    """A successful classic run with a table, an image and output text, written for real."""
    out = tmp_path / "out"
    out.mkdir()
    frame = pd.DataFrame({"name": ["ann", HOSTILE, None], "score": [1.5, None, 3.0]})
    path = table_path(out, 1, "csv")
    write_table(frame, path, "csv")
    dtypes, head = preview(frame)
    work = tmp_path / "work"
    work.mkdir()
    (work / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\nplot")
    images = collect_images(work, images_dir(out))
    table = OutputTable(
        port=1,
        path=str(path),
        rows=len(frame),
        columns=list(frame.columns),
        dtypes=dtypes,
        head=head,
    )
    return RunResult(
        ok=True,
        dialect="classic",
        outputs=[table],
        images=images,
        stdout=f"printed {HOSTILE}\n",
        stderr="a warning on stderr\n",
        duration_s=1.25,
        warnings=[f"returned a bare DataFrame {HOSTILE}"],
        script=str(tmp_path / "script.py"),
    )


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_report_shows_table_image_and_escaped_text(result: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report, log = write_report(result, out)
    assert report == out / OUTPUT_NAMES["report"] and log == out / OUTPUT_NAMES["log"]
    page = report.read_text(encoding="utf-8")
    parsed = _parse(page)
    text = "".join(parsed.text)
    assert [t for t, _ in parsed.tags].count("script") == 0
    assert HOSTILE not in page and HOSTILE in text
    table = result.outputs[0]
    for column, dtype in zip(table.columns, table.dtypes, strict=True):
        assert column in text and dtype in text
    assert f"{table.rows} rows" in text
    for row in table.head:
        for value in row:
            if value is not None:
                assert str(value) in text
    images = [a["src"] for t, a in parsed.tags if t == "img"]
    assert images == [f"{OUTPUT_NAMES['images']}/{Path(result.images[0]).name}"]
    assert (out / str(images[0])).is_file()
    links = [a["href"] for t, a in parsed.tags if t == "a"]
    assert Path(table.path).name in links and OUTPUT_NAMES["log"] in links
    assert "a warning on stderr" in text and "succeeded" in text and "classic" in text


def test_report_of_a_failed_run(result: RunResult, tmp_path: Path) -> None:
    message = error_0085("ZeroDivisionError", "division by zero", 7)
    result.ok, result.outputs, result.images = False, [], []
    result.error = RunError(
        code=85,
        message=message,
        exception="ZeroDivisionError",
        line=7,
        traceback=f'Traceback (most recent call last):\n  File "{result.script}", line 7\n',
        frames=[Frame(path=result.script, line=7, function="azureml_main", text="1 / 0")],
    )
    report, log = write_report(result, tmp_path / "out")
    text = "".join(_parse(report.read_text(encoding="utf-8")).text)
    assert message in text and f"{result.script}:7" in text and "ZeroDivisionError" in text
    assert "failed" in text and "Traceback" in text
    log_text = log.read_text(encoding="utf-8")
    assert message in log_text and result.error.traceback.strip() in log_text
    assert "printed" in log_text and "a warning on stderr" in log_text


def _render(result: RunResult) -> str:
    console = Console(record=True, width=160, color_system=None)
    print_summary(result, console)
    return console.export_text()


def test_summary_of_a_successful_run(result: RunResult, tmp_path: Path) -> None:
    report, log = write_report(result, tmp_path / "out")
    result.report, result.log = str(report), str(log)
    text = _render(result)
    table = result.outputs[0]
    assert "succeeded" in text and result.script in text
    assert f"{table.rows} rows, {len(table.columns)} columns" in text
    assert all(column in text for column in table.columns)
    assert "ann" in text and HOSTILE in text
    assert table.path in text and result.images[0] in text and result.report in text
    assert f"warning: returned a bare DataFrame {HOSTILE}" in text
    assert "error" not in text.lower().replace("stderr", "")


def test_summary_of_a_failed_run_points_at_the_line(result: RunResult) -> None:
    result.ok, result.outputs = False, []
    result.error = RunError(
        code=85,
        message=error_0085("KeyError", "'missing'", 12),
        exception="KeyError",
        line=12,
        frames=[Frame(path=result.script, line=12, function="azureml_main", text="df['missing']")],
    )
    text = _render(result)
    assert "failed" in text
    assert f"error: {result.script}:12: KeyError" in text
    assert f"{result.script}:12 in azureml_main" in text
    assert "Got exception when invoking script at line 12" in text


@pytest.mark.parametrize(
    ("message", "headline"),
    [
        ("the script ran longer than 5 s", "the script ran longer than 5 s"),
        (
            error_0085("SystemExit", "3", None),
            "Got exception when invoking script: 'SystemExit: 3'.",
        ),
        ("", "crash error"),
    ],
)
def test_summary_headline_without_detail(message: str, headline: str) -> None:
    result = RunResult(
        ok=False, dialect="classic", error=RunError(code=0, kind="crash", message=message)
    )
    text = _render(result)
    lines = text.splitlines()
    assert lines[1] == f"error: {headline}"
    if message.strip() in ("", headline):
        assert text.count(headline) == 1
    else:
        assert lines[2:] == message.splitlines()
