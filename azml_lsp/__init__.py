"""azml-lsp: write, check, run and debug Azure ML "Execute Python Script" scripts locally."""

__version__ = "0.1.0"
