"""Raw sockets: faults at ``socket.socket.connect`` for connections opened by project code itself
(sockets opened inside another recorded client call belong to that call)."""

from __future__ import annotations

import socket
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.state import ChaosState


def install(state: ChaosState) -> list[Undo]:
    original = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        with state.boundary("socket") as fault:
            if fault == "connect-timeout":
                raise TimeoutError("timed out")
            if fault == "connection-reset":
                raise ConnectionResetError(104, "Connection reset by peer")
            if fault == "dns-failure":
                raise socket.gaierror(-2, "Name or service not known")
            return original(self, address)

    return [patch(socket.socket, "connect", connect)]
