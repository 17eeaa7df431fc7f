"""The LSP protocol with two additions: cancellation reaches running commands, and
``workspace/executeCommand`` keeps the client's work-done token for the command's progress."""

from __future__ import annotations

import contextvars
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method

WORK_DONE_TOKEN: contextvars.ContextVar[types.ProgressToken | None] = contextvars.ContextVar(
    "azml_work_done_token", default=None
)


class AzmlProtocol(LanguageServerProtocol):
    """Tells the server about ``$/cancelRequest`` so it can stop a run's child process."""

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        cancel = getattr(self._server, "cancel_request", None)
        if cancel is not None:
            cancel(msg_id)
        super()._handle_cancel_notification(msg_id)

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(
        self, params: types.ExecuteCommandParams
    ) -> Generator[Any, Any, Any]:
        WORK_DONE_TOKEN.set(params.work_done_token)
        return (yield from super().lsp_workspace__execute_command(params))
