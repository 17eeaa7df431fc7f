"""Static checks of Execute Python Script scripts against the module's contract.

Shared by ``azml check`` and the language server::

    from azml_lsp.checker import check_source, CheckConfig
    diagnostics = check_source(text, path, CheckConfig(dialect="classic", target_python="2.7"))

Positions are 1-based lines and 1-based columns counted in Unicode code points; ends are
exclusive (see :mod:`azml_lsp.checker.model`).
"""

from azml_lsp.checker.check import check_source, fix_source
from azml_lsp.checker.config import CheckConfig
from azml_lsp.checker.model import Diagnostic, Fix, Severity, TextEdit, apply_fixes
from azml_lsp.checker.registry import RULES, Rule, expand_codes

__all__ = [
    "RULES",
    "CheckConfig",
    "Diagnostic",
    "Fix",
    "Rule",
    "Severity",
    "TextEdit",
    "apply_fixes",
    "check_source",
    "expand_codes",
    "fix_source",
]
