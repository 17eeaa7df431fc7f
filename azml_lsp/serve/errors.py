"""JSON error answers: one body shape for every failure, with the HTTP status that fits it."""

from __future__ import annotations

import json
from typing import Any

from azml_lsp.runtime.model import RunError
from azml_lsp.serve.shapes import RequestError

#: RunError.kind -> (HTTP status, error code) of the answer.
RUN_ERROR_STATUS: dict[str, tuple[int, str]] = {
    "script": (400, "ModuleExecutionError"),
    "return": (400, "ModuleExecutionError"),
    "input": (400, "ModuleExecutionError"),
    "output": (400, "ModuleExecutionError"),
    "timeout": (504, "RequestTimeout"),
    "cancelled": (504, "RequestTimeout"),
    "memory": (500, "OutOfMemory"),
    "crash": (500, "ModuleExecutionError"),
    "bundle": (500, "ModuleExecutionError"),
    "internal": (500, "InternalError"),
}

MODULE_TARGET = "Execute Python Script"


def error_body(
    code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``{"error": {"code", "message", "details": [{"code", "target", "message", ...}]}}``."""
    return {"error": {"code": code, "message": message, "details": details or []}}


def request_error(status: int, code: str, message: str, target: str) -> tuple[int, dict[str, Any]]:
    """A request the service refuses before running anything."""
    return status, error_body(code, message, [{"code": code, "target": target, "message": message}])


def refused(exc: RequestError) -> tuple[int, dict[str, Any]]:
    """The answer to a request that cannot run (bad JSON, shape, column, size)."""
    code = "RequestTooLarge" if exc.status == 413 else "BadArgument"
    return request_error(exc.status, code, str(exc), exc.target)


def json_bytes(content: Any) -> bytes:
    """``content`` as the service's JSON answers are written (compact UTF-8, no NaN)."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


def run_error(error: RunError) -> tuple[int, dict[str, Any]]:
    """A run that failed: the module's message (error 0085 with its line) and the plain reason."""
    status, code = RUN_ERROR_STATUS.get(error.kind, (500, "InternalError"))
    detail: dict[str, Any] = {
        "code": str(error.code),
        "target": MODULE_TARGET,
        "message": error.message,
        "kind": error.kind,
        "line": error.line,
        "exception": error.exception,
        "reason": error.detail,
    }
    summary = {
        "timeout": "The script did not finish within the request timeout.",
        "cancelled": "The script did not finish within the request timeout.",
        "memory": "The script ran out of memory.",
        "crash": "The script's process died.",
    }.get(error.kind, "Module execution encountered an error.")
    return status, error_body(code, summary, [detail])
