"""Start ``azml serve`` in a child process on an ephemeral loopback port (tests, load runs)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

LISTENING = re.compile(r"Uvicorn running on http://([\w.\-:\[\]]+):(\d+)")


class ServiceProcess:
    """``azml serve SCRIPT ARGS --port 0`` in its own process group; its log kept in memory.

    Use as a context manager: entering waits until ``/health`` answers ``ok``.
    """

    def __init__(
        self,
        script: Path,
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        start_timeout_s: float = 60.0,
    ) -> None:
        self.command = [sys.executable, "-m", "azml_lsp", "serve", str(script), *args]
        self.command += ["--host", "127.0.0.1", "--port", "0"]
        self.env = {**os.environ, **(env or {})}
        self.start_timeout_s = start_timeout_s
        self.url = ""
        self.lines: list[str] = []
        self._listening = threading.Event()
        self.process: subprocess.Popen[str] | None = None

    @property
    def log(self) -> str:
        return "".join(self.lines)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> ServiceProcess:
        self.process = subprocess.Popen(
            self.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            start_new_session=True,
        )
        threading.Thread(target=self._read_log, daemon=True).start()
        deadline = time.monotonic() + self.start_timeout_s
        if not self._listening.wait(self.start_timeout_s):
            self.close()
            raise RuntimeError(f"the service did not start:\n{self.log}")
        while time.monotonic() < deadline:
            if self.health().get("status") == "ok":
                return self
            time.sleep(0.1)
        self.close()
        raise RuntimeError(f"the service did not become ready:\n{self.log}")

    def _read_log(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            match = LISTENING.search(line)
            if match and not self._listening.is_set():
                self.url = f"http://{match.group(1)}:{match.group(2)}"
                self._listening.set()
        self._listening.set()

    def health(self) -> dict[str, object]:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=5) as answer:
                data: dict[str, object] = json.loads(answer.read())
                return data
        except (urllib.error.URLError, OSError, ValueError):
            return {}

    def close(self) -> None:
        """Stop the service (SIGTERM, then SIGKILL of its process group)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
