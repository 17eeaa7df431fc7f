"""The framing between ``azml serve`` and its script hosts: 8-byte length, then a pickle.

Both ends run the same interpreter and package versions (a local host), so pickle keeps every
column type and costs one copy. A host in another interpreter would need a codec of its own.
"""

from __future__ import annotations

import pickle
import socket
import struct
from typing import Any

HEADER = struct.Struct("!Q")


def send(sock: socket.socket, message: Any) -> None:
    send_pickled(sock, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def send_pickled(sock: socket.socket, data: bytes) -> None:
    """Send a message pickled already (a forked child's reply, forwarded as it came)."""
    sock.sendall(HEADER.pack(len(data)) + data)


def receive(sock: socket.socket) -> Any:
    """The next message, or None when the other end closed the socket."""
    header = _exactly(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    data = _exactly(sock, size)
    if data is None:
        return None
    return pickle.loads(data)


def _exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = sock.recv_into(view[got:])
        if count == 0:
            return None
        got += count
    return bytes(buffer)
