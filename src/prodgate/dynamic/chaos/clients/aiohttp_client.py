"""aiohttp: calls recorded at ``ClientSession._request``, faults injected at ``BaseConnector.connect``.

The request is recorded once, however often aiohttp retries it internally. A faulted request gets
no connection to its host: connect faults raise what the connector raises (a timeout that aiohttp
turns into ``ConnectionTimeoutError``, ``ClientConnectorDNSError``); every other fault gets a real
connection over a loopback socket pair whose peer plays the dependency: it answers with the
fault's bytes (which aiohttp's own parser turns into a ``ClientResponse``, a ``ClientPayloadError``
for a short body, ``ContentTypeError``/``JSONDecodeError`` from ``json()``), resets the connection
(``ClientOSError``, after aiohttp's own retry of an idempotent request), or stays silent, so the
caller's ``ClientTimeout`` fires (``slow-response``). A ``read-timeout`` fails the read at once
with what the expiring timer raises: ``SocketTimeoutError`` when the caller set ``sock_read``,
``TimeoutError`` for the total timeout. The connection is closed after use, never pooled.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from contextvars import ContextVar
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.clients.tracking import tracked_class
from prodgate.dynamic.chaos.faults import FAULTS, raw_answer
from prodgate.dynamic.chaos.state import ChaosState

_FAULT: ContextVar[str | None] = ContextVar("prodgate_chaos_aiohttp_fault", default=None)
SILENT = ("read-timeout", "slow-response")


class _Dependency(asyncio.Protocol):
    """The peer of a faulted connection: answers, resets or stays silent once the request arrives."""

    def __init__(self, fault: str):
        self.fault = fault
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.transport is None or self.fault in SILENT or b"\r\n\r\n" not in data:
            return
        if self.fault == "connection-reset":
            sock = self.transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.transport.abort()
        else:
            self.transport.write(raw_answer(self.fault))
            if self.fault == "truncated-body":
                self.transport.close()
        self.fault = "answered"


def _loopback_pair() -> tuple[socket.socket, socket.socket]:
    """A connected TCP pair on loopback (a reset is a real RST, unlike a Unix socket pair)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        peer, _ = listener.accept()
    client.setblocking(False)
    peer.setblocking(False)
    return client, peer


def install(state: ChaosState) -> list[Undo]:
    try:
        import aiohttp
        from aiohttp import client_exceptions, client_proto, connector
    except ImportError:
        return []
    dns_error = getattr(client_exceptions, "ClientConnectorDNSError", client_exceptions.ClientConnectorError)
    timeout_error = getattr(client_exceptions, "SocketTimeoutError", client_exceptions.ServerTimeoutError)
    tracked = tracked_class(aiohttp.ClientResponse)
    request_original = aiohttp.ClientSession._request
    connect_original = connector.BaseConnector.connect

    async def faulted_connection(owner: Any, req: Any, fault: str, timeout: Any) -> Any:
        loop = asyncio.get_running_loop()
        client, peer = _loopback_pair()
        await loop.connect_accepted_socket(lambda: _Dependency(fault), peer)
        _, protocol = await loop.create_connection(lambda: client_proto.ResponseHandler(loop), sock=client)
        protocol.force_close()
        if fault == "read-timeout":
            sock_read = getattr(timeout, "sock_read", None)
            protocol.set_exception(timeout_error("Timeout on reading data from socket") if sock_read else asyncio.TimeoutError())
        return connector.Connection(owner, req.connection_key, protocol, loop)

    async def connect(self: Any, req: Any, traces: Any, timeout: Any) -> Any:
        fault = _FAULT.get()
        if fault is None:
            return await connect_original(self, req, traces, timeout)
        if fault == "connect-timeout":
            raise asyncio.TimeoutError
        if fault == "dns-failure":
            raise dns_error(req.connection_key, socket.gaierror(-2, "Name or service not known"))
        return await faulted_connection(self, req, fault, timeout)

    async def request(self: Any, *args: Any, **kwargs: Any) -> Any:
        with state.boundary("aiohttp") as fault:
            if fault is None:
                return await request_original(self, *args, **kwargs)
            token = _FAULT.set(fault)
            try:
                response = await request_original(self, *args, **kwargs)
            finally:
                _FAULT.reset(token)
            if FAULTS[fault].error_response and type(response) is aiohttp.ClientResponse:
                response.__class__ = tracked
            return response

    return [patch(aiohttp.ClientSession, "_request", request),
            patch(connector.BaseConnector, "connect", connect)]
