"""The single source of truth for the Execute Python Script module's rules, per dialect.

Runtime, checker and server read these modules; no rule is stated anywhere else.
"""

from azml_lsp.contract.columns import output_column_names
from azml_lsp.contract.dialects import DEFAULT_DIALECT, Dialect
from azml_lsp.contract.entrypoint import (
    ENTRY_POINT,
    MAX_FRAMES,
    RECOMMENDED_SIGNATURE,
    ParameterShape,
    argument_count,
    call_arguments,
    port_of_parameter,
)
from azml_lsp.contract.errors import ErrorCode, error_0085
from azml_lsp.contract.profile import BUNDLE_DIR_NAME, PROFILES, DialectProfile
from azml_lsp.contract.returns import RETURN_RULES, Outcome, ReturnContractError, ReturnRules

__all__ = [
    "BUNDLE_DIR_NAME",
    "DEFAULT_DIALECT",
    "ENTRY_POINT",
    "MAX_FRAMES",
    "PROFILES",
    "RECOMMENDED_SIGNATURE",
    "RETURN_RULES",
    "Dialect",
    "DialectProfile",
    "ErrorCode",
    "Outcome",
    "ParameterShape",
    "ReturnContractError",
    "ReturnRules",
    "argument_count",
    "call_arguments",
    "error_0085",
    "output_column_names",
    "port_of_parameter",
]
