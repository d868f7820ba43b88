"""Block outbound network access in a sandbox child, before any user code runs.

This is a guard for well-behaved code (a fuzzed function must not call real services by
accident), not a security boundary: code that uses ``_socket`` directly, ctypes or a
subprocess gets past it. The isolation that matters is the child process and its limits.
"""

from __future__ import annotations

import socket
from typing import Any, NoReturn

MARKER = "prodgate sandbox: network access is blocked"


class NetworkBlocked(PermissionError):
    """Raised instead of connecting; a ``PermissionError`` so ordinary handlers see an OS error."""


def _blocked(*args: Any, **kwargs: Any) -> NoReturn:
    raise NetworkBlocked(f"{MARKER} (pass --allow-network to permit it)")


def block_network() -> None:
    """Replace the connecting entry points of ``socket`` with functions that raise ``NetworkBlocked``."""
    socket.socket.connect = _blocked  # type: ignore[method-assign]
    socket.socket.connect_ex = _blocked  # type: ignore[method-assign]
    socket.socket.sendto = _blocked  # type: ignore[method-assign]
    socket.getaddrinfo = _blocked
    socket.create_connection = _blocked
    socket.gethostbyname = _blocked
    socket.gethostbyname_ex = _blocked
