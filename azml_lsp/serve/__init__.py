"""``azml serve``: a script as a request-response web service, each call in a warm worker."""

from azml_lsp.serve.app import create_app
from azml_lsp.serve.config import ServeConfig
from azml_lsp.serve.server import serve_forever

__all__ = ["ServeConfig", "create_app", "serve_forever"]
