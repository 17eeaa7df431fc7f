"""Module error codes and the error-0085 message (CONTRACT.md section 7)."""

from __future__ import annotations

import enum

from azml_lsp.contract.entrypoint import ENTRY_POINT


class ErrorCode(enum.IntEnum):
    """Error codes the cloud module reports, and the local ones azml-lsp adds beside them."""

    SCRIPT_ERROR = 85
    """Every failure of the script: import, call, conversion; SystemExit and MemoryError too."""
    OUTPUT_INVALID = 18
    """The result dataset cannot be written."""
    BAD_ZIP = 102
    """The Script Bundle is not a valid zip."""
    OUT_OF_MEMORY = 138
    """Memory ran out outside the script."""
    COLUMN_NAMES_NOT_STRINGS = 155


ERROR_0085_HEAD = (
    "The following error occurred during script evaluation, please view the output log for more "
    "information:\n"
    "---------- Start of error message from Python interpreter ----------\n"
)
ERROR_0085_TAIL = "\n---------- End of error message from Python  interpreter  ----------"

ERROR_0102_MESSAGE = "Given ZIP file is not in the correct format."
ERROR_0018_MESSAGE = "Result dataset contains invalid data, reason: {reason}"


def error_0085(exception_class: str, text: str, line: int | None) -> str:
    """The error-0085 message: with the line of the outermost ``azureml_main`` frame when known."""
    if line is None:
        body = f"Got exception when invoking script: '{exception_class}: {text}'."
    else:
        body = (
            f"Got exception when invoking script at line {line} in function {ENTRY_POINT}: "
            f"'{exception_class}: {text}'."
        )
    return ERROR_0085_HEAD + body + ERROR_0085_TAIL
