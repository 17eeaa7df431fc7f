"""``azml serve``: a script as a request-response web service, each call in a warm worker.

The web stack (Starlette, uvicorn) loads only when :func:`create_app` or :func:`serve_forever`
is used.
"""

from __future__ import annotations

from typing import Any

from azml_lsp.serve.config import ServeConfig

__all__ = ["ServeConfig", "create_app", "serve_forever"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from azml_lsp.serve.app import create_app

        return create_app
    if name == "serve_forever":
        from azml_lsp.serve.server import serve_forever

        return serve_forever
    raise AttributeError(name)
