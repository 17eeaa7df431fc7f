"""``azml lsp`` and ``azml-lsp``: stdio by default, a TCP socket with --tcp."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream: socket.socket) -> dict[str, object]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = stream.recv(1)
        if not chunk:
            raise AssertionError("the server closed the connection")
        data += chunk
    length = int(data.split(b"Content-Length:")[1].split(b"\r\n")[0])
    body = b""
    while len(body) < length:
        body += stream.recv(length - len(body))
    return dict(json.loads(body))


def test_tcp_mode_answers_initialize(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "azml_lsp",
            "lsp",
            "--tcp",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except ConnectionRefusedError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        with connection:
            init = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}
            connection.sendall(
                _message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init})
            )
            reply = _read_message(connection)
            assert reply["id"] == 1
            result = reply["result"]
            assert isinstance(result, dict)
            assert result["serverInfo"]["name"] == "azml-lsp"
            commands = result["capabilities"]["executeCommandProvider"]["commands"]
            assert {"azml.run", "azml.debug", "azml.check"} <= set(commands)
    finally:
        server.kill()
        server.wait()


def test_help_names_the_options() -> None:
    command = [sys.executable, "-m", "azml_lsp", "lsp", "--help"]
    shown = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "--tcp" in shown and "--port" in shown and "--host" in shown
