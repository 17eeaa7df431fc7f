"""A minimal Debug Adapter Protocol client over TCP, enough to attach to debugpy and stop."""

from __future__ import annotations

import asyncio
import json
from typing import Any


class DapClient:
    """Sends requests and collects responses and events from a DAP server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._seq = 0
        self._responses: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self._event_arrived = asyncio.Event()
        self._reading = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(cls, host: str, port: int) -> DapClient:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def _read(self) -> None:
        while True:
            length = 0
            while (line := await self._reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line:
                return
            message = json.loads(await self._reader.readexactly(length))
            if message.get("type") == "response":
                future = self._responses.pop(message["request_seq"], None)
                if future is not None and not future.done():
                    future.set_result(message)
            elif message.get("type") == "event":
                self.events.append(message)
                self._event_arrived.set()

    def send(
        self, command: str, arguments: dict[str, Any] | None = None
    ) -> asyncio.Future[dict[str, Any]]:
        """Send a request; the future resolves with its response."""
        self._seq += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._responses[self._seq] = future
        body = json.dumps(
            {"seq": self._seq, "type": "request", "command": command, "arguments": arguments or {}}
        ).encode()
        self._writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return future

    async def request(
        self, command: str, arguments: dict[str, Any] | None = None, timeout: float = 30
    ) -> dict[str, Any]:
        response = await asyncio.wait_for(self.send(command, arguments), timeout)
        if not response.get("success"):
            raise AssertionError(f"DAP {command} failed: {response.get('message')}")
        return response

    async def wait_event(self, name: str, timeout: float = 30) -> dict[str, Any]:
        """The first event called ``name`` (waiting for it when it has not come yet)."""

        async def find() -> dict[str, Any]:
            while True:
                for event in self.events:
                    if event.get("event") == name:
                        self.events.remove(event)
                        return event
                self._event_arrived.clear()
                await self._event_arrived.wait()

        return await asyncio.wait_for(find(), timeout)

    async def close(self) -> None:
        self._reading.cancel()
        self._writer.close()
