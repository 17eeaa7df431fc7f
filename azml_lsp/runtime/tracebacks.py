"""Turn an exception raised by user code into the module's error 0085, with frames in the user's
own files (the runtime's frames are left out)."""

from __future__ import annotations

import os
import traceback

from azml_lsp.contract import ENTRY_POINT, ErrorCode, error_0085
from azml_lsp.runtime.model import Frame, RunError


def _user_frames(exc: BaseException, runtime_dir: str) -> list[traceback.FrameSummary]:
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename.startswith(runtime_dir + os.sep):
        frames.pop(0)
    return list(frames)


def entry_line(frames: list[traceback.FrameSummary]) -> int | None:
    """The line of the outermost frame named ``azureml_main`` (what error 0085 reports)."""
    for frame in frames:
        if frame.name == ENTRY_POINT:
            return frame.lineno
    return None


def script_line(
    exc: BaseException, frames: list[traceback.FrameSummary], script: str
) -> int | None:
    """The line in the user's script an editor should mark: the ``azureml_main`` frame when the
    failure passed through it, else the innermost frame in the script, else a syntax error's line."""
    in_script = [f for f in frames if os.path.abspath(f.filename) == script]
    for frame in in_script:
        if frame.name == ENTRY_POINT:
            return frame.lineno
    if in_script:
        return in_script[-1].lineno
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == script:
        return exc.lineno
    return None


def script_error(exc: BaseException, script: str, runtime_dir: str) -> RunError:
    """Error 0085 for ``exc``, raised while importing or calling the script at ``script``."""
    frames = _user_frames(exc, runtime_dir)
    name = type(exc).__name__
    text = str(exc)
    details = traceback.TracebackException(type(exc), exc, None)
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    lines.extend(details.format_exception_only())
    return RunError(
        code=int(ErrorCode.SCRIPT_ERROR),
        kind="memory" if isinstance(exc, MemoryError) else "script",
        exception=name,
        message=error_0085(name, text, entry_line(frames)),
        line=script_line(exc, frames, os.path.abspath(script)),
        traceback="".join(lines),
        frames=[Frame(f.filename, f.lineno or 0, f.name, f.line or "") for f in frames],
        detail=f"{name}: {text}",
    )
