"""How a run's steps end it early with a prepared error."""

from __future__ import annotations

from typing import TYPE_CHECKING

from azml_lsp.runtime.model import RunError

if TYPE_CHECKING:
    from azml_lsp.contract.returns import ReturnContractError


class Stop(Exception):
    """Ends a run early with a prepared error."""

    def __init__(self, error: RunError) -> None:
        super().__init__(error.message)
        self.error = error


def return_error(exc: ReturnContractError) -> RunError:
    """Error 0085 for a returned value the contract refuses."""
    from azml_lsp.contract import ErrorCode
    from azml_lsp.contract.errors import error_0085

    return RunError(
        code=int(ErrorCode.SCRIPT_ERROR),
        kind="return",
        exception=exc.exception_class,
        message=error_0085(exc.exception_class, exc.message, None),
        detail=exc.message,
    )
