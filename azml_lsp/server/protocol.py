"""The LSP protocol with three additions: cancellation reaches running commands,
``workspace/executeCommand`` keeps the client's work-done token for the command's progress, and
the server knows which interactive requests are open from arrival to reply (background jedi work
steps aside for them: :mod:`azml_lsp.server.interactive`)."""

from __future__ import annotations

import contextvars
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method

from azml_lsp.server.interactive import InteractiveRequests

WORK_DONE_TOKEN: contextvars.ContextVar[types.ProgressToken | None] = contextvars.ContextVar(
    "azml_work_done_token", default=None
)


class AzmlProtocol(LanguageServerProtocol):
    """Tells the server about ``$/cancelRequest`` so it can stop a run's child process, and
    about interactive requests from the moment they are read until their reply is written."""

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        interactive = _interactive(self._server)
        if interactive is not None:
            interactive.received(msg_id, method_name)
        super()._handle_request(msg_id, method_name, params)

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: Any | None = None
    ) -> None:
        try:
            super()._send_response(msg_id, result, error)
        finally:
            interactive = _interactive(self._server)
            if interactive is not None:
                interactive.answered(msg_id)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        cancel = getattr(self._server, "cancel_request", None)
        if cancel is not None:
            cancel(msg_id)
        interactive = _interactive(self._server)
        if interactive is not None:
            interactive.answered(msg_id)  # a request dropped unrun gets no reply
        super()._handle_cancel_notification(msg_id)

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(
        self, params: types.ExecuteCommandParams
    ) -> Generator[Any, Any, Any]:
        WORK_DONE_TOKEN.set(params.work_done_token)
        return (yield from super().lsp_workspace__execute_command(params))


def _interactive(server: Any) -> InteractiveRequests | None:
    jedi = getattr(server, "jedi", None)
    return getattr(jedi, "interactive", None)
