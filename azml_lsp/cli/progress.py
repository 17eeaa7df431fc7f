"""A rich progress display fed by a run's events (stages, bytes read of large inputs)."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TaskID, TextColumn

from azml_lsp.runtime.events import STAGES


class RunProgress:
    """Shows what a run is doing; silent when the console is not a terminal."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._stage: TaskID | None = None
        self._ports: dict[int, TaskID] = {}

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        self._stage = self._progress.add_task(STAGES["start"], total=None)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.__exit__(kind, exc, tb)

    def handle(self, event: dict[str, Any]) -> None:
        """Update the display from one child event."""
        if event.get("event") == "stage" and self._stage is not None:
            text = STAGES.get(str(event.get("stage")), str(event.get("stage")))
            self._progress.update(self._stage, description=text)
        elif event.get("event") == "progress":
            port = int(event.get("port", 1))
            if port not in self._ports:
                self._ports[port] = self._progress.add_task(
                    f"Dataset{port}", total=event.get("total")
                )
            self._progress.update(self._ports[port], completed=event.get("done", 0))
        elif event.get("event") == "debug_listening":
            self._progress.console.print(
                f"Waiting for a debugger on {event.get('host')}:{event.get('port')} "
                "(attach with debugpy / your editor's Python debugger)"
            )
