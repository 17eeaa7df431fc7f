"""Run the service on uvicorn."""

from __future__ import annotations

import logging

from azml_lsp.serve.app import create_app
from azml_lsp.serve.config import ServeConfig
from azml_lsp.serve.security import check_bind


def serve_forever(
    config: ServeConfig, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True
) -> None:
    """Serve ``config`` until interrupted. ValueError for a bind the security rules refuse.

    The access log has method, path and status only: never headers (the key) nor bodies.
    """
    import uvicorn

    check_bind(host, config.api_key)
    _log_like_uvicorn()
    logging.getLogger("azml_lsp.serve").info("serving %s on %s:%s", config.script, host, port)
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        access_log=access_log,
        log_level="info",
        timeout_graceful_shutdown=int(config.timeout_s) + 1,
        server_header=False,
    )


def _log_like_uvicorn() -> None:
    """Show the service's own messages (from INFO up) on stderr, formatted as uvicorn's are."""
    from uvicorn.logging import DefaultFormatter

    log = logging.getLogger("azml_lsp.serve")
    if log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s", use_colors=False))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
