"""Who may call the service: loopback binds by default, a bearer key for anything wider."""

from __future__ import annotations

import hmac
import ipaddress
import socket

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True when ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def check_bind(host: str, api_key: str | None) -> None:
    """Refuse to listen beyond this machine without an API key (ValueError says what to do)."""
    if not is_loopback(host) and not api_key:
        raise ValueError(
            f"refusing to listen on {host!r} without an API key: the service runs code on every "
            "request; pass --api-key (or set AZML_SERVE_API_KEY), or bind 127.0.0.1"
        )


def bearer_matches(authorization: str | None, api_key: str) -> bool:
    """True when the ``Authorization`` header is ``Bearer <api_key>`` (constant-time compare)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode(), api_key.encode())
