"""Turn an exception raised by user code into the module's error 0085, with frames in the user's
own files (the runtime's frames are left out).

The exception arrives as :class:`ExceptionFacts`: from a live exception in a local run, or as the
facts a twin's harness reported, so both build the error with the same rules.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from azml_lsp.contract import ENTRY_POINT, ErrorCode, error_0085
from azml_lsp.runtime.model import Frame, RunError

PACKAGE_DIR = str(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
"""This package's folder: its frames lead every traceback and are left out of the user's."""


@dataclass(frozen=True)
class ExceptionFacts:
    """What error 0085 needs to know of an exception, whichever interpreter raised it."""

    exception: str
    text: str
    frames: list[Frame]
    """Every traceback frame, outermost first."""
    only: list[str]
    """``traceback.format_exception_only`` of the exception."""
    memory: bool = False
    syntax: tuple[str, int | None] | None = None
    """A syntax error's file and line."""

    @classmethod
    def of(cls, exc: BaseException) -> ExceptionFacts:
        """The facts of a live exception."""
        frames = [
            Frame(f.filename, f.lineno or 0, f.name, f.line or "")
            for f in traceback.extract_tb(exc.__traceback__)
        ]
        syntax = None
        if isinstance(exc, SyntaxError) and exc.filename:
            syntax = (exc.filename, exc.lineno)
        return cls(
            exception=type(exc).__name__,
            text=str(exc),
            frames=frames,
            only=list(traceback.TracebackException(type(exc), exc, None).format_exception_only()),
            memory=isinstance(exc, MemoryError),
            syntax=syntax,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExceptionFacts:
        """The facts a twin's harness reported (see ``azml_lsp.harness.run``)."""
        syntax = data.get("syntax")
        return cls(
            exception=str(data["exception"]),
            text=str(data["text"]),
            frames=[Frame(str(p), int(n), str(f), str(t)) for p, n, f, t in data["frames"]],
            only=[str(line) for line in data["only"]],
            memory=bool(data.get("memory")),
            syntax=(str(syntax[0]), syntax[1]) if syntax else None,
        )


def _user_frames(frames: Sequence[Frame], runtime_dir: str) -> list[Frame]:
    kept = list(frames)
    while kept and kept[0].path.startswith(runtime_dir + os.sep):
        kept.pop(0)
    return kept


def entry_line(frames: Sequence[Frame]) -> int | None:
    """The line of the outermost frame named ``azureml_main`` (what error 0085 reports)."""
    for frame in frames:
        if frame.function == ENTRY_POINT:
            return frame.line
    return None


def script_line(facts: ExceptionFacts, frames: Sequence[Frame], script: str) -> int | None:
    """The line in the user's script an editor should mark: the ``azureml_main`` frame when the
    failure passed through it, else the innermost frame in the script, else a syntax error's line."""
    in_script = [f for f in frames if os.path.abspath(f.path) == script]
    for frame in in_script:
        if frame.function == ENTRY_POINT:
            return frame.line
    if in_script:
        return in_script[-1].line
    if facts.syntax is not None and os.path.abspath(facts.syntax[0]) == script:
        return facts.syntax[1]
    return None


def script_error(
    facts: ExceptionFacts,
    script: str,
    runtime_dir: str,
    shown_path: Callable[[str], str] = lambda path: path,
) -> RunError:
    """Error 0085 for an exception raised while importing or calling the script at ``script``.
    ``shown_path`` maps a file the interpreter ran to the name the user knows it by."""
    frames = [
        Frame(shown_path(f.path), f.line, f.function, f.text)
        for f in _user_frames(facts.frames, runtime_dir)
    ]
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list([(f.path, f.line, f.function, f.text) for f in frames])
    lines += facts.only
    return RunError(
        code=int(ErrorCode.SCRIPT_ERROR),
        kind="memory" if facts.memory else "script",
        exception=facts.exception,
        message=error_0085(facts.exception, facts.text, entry_line(frames)),
        line=script_line(facts, frames, os.path.abspath(script)),
        traceback="".join(lines),
        frames=frames,
        detail=f"{facts.exception}: {facts.text}",
    )
