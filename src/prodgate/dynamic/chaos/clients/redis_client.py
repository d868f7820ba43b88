"""redis-py: faults at ``AbstractConnection.send_command``, inside the client's own retry loop.

Failures are the exceptions redis-py raises for them, with its messages (``ConnectionError``
``Error 111 connecting to HOST:PORT. Connection refused.``, ``TimeoutError`` ``Timeout connecting
to server`` / ``Timeout reading from socket``), and the connection is dropped as redis-py drops
it, so the client's configured ``Retry`` (with its backoff) runs exactly as against a dead server.
"""

from __future__ import annotations

from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.clients.pacing import wait_past
from prodgate.dynamic.chaos.state import ChaosState


def install(state: ChaosState) -> list[Undo]:
    try:
        from redis import connection, exceptions
    except ImportError:
        return []
    original = connection.AbstractConnection.send_command

    def failure(conn: Any, fault: str) -> Exception:
        if fault == "redis-down":
            return exceptions.ConnectionError(conn._error_message(ConnectionRefusedError(111, "Connection refused")))
        if fault == "connect-timeout":
            return exceptions.TimeoutError("Timeout connecting to server")
        if fault == "connection-reset":
            return exceptions.ConnectionError(
                f"Error while reading from {conn._host_error()} : (104, 'Connection reset by peer')")
        if fault == "slow-response":
            wait_past(getattr(conn, "socket_timeout", None))
        return exceptions.TimeoutError(f"Timeout reading from {conn._host_error()}")

    def send_command(self: Any, *args: Any, **kwargs: Any) -> Any:
        with state.boundary("redis") as fault:
            if fault is None:
                return original(self, *args, **kwargs)
            error = failure(self, fault)
            self.disconnect()
            raise error

    return [patch(connection.AbstractConnection, "send_command", send_command)]
