"""``azml export``: a script as an Azure ML (v2) command component or pipeline job."""

from azml_lsp.export.writer import ExportError, ExportOptions, ExportReport, export

__all__ = ["ExportError", "ExportOptions", "ExportReport", "export"]
