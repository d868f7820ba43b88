"""httpx: faults at ``HTTPTransport.handle_request`` and ``AsyncHTTPTransport.handle_async_request``.

The exceptions are the ones httpx maps transport failures to (``ConnectTimeout``, ``ReadTimeout``,
``ConnectError``, ``ReadError``, ``RemoteProtocolError``) with the request attached; error answers
are ``httpx.Response`` objects (tracked subclass) whose truncated stream fails the way httpx does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.clients.pacing import FOREVER, wait_past
from prodgate.dynamic.chaos.clients.tracking import tracked_class
from prodgate.dynamic.chaos.faults import FAULTS, HTTP_BODIES, response_headers
from prodgate.dynamic.chaos.state import ChaosState

INCOMPLETE = "peer closed connection without sending complete message body (incomplete chunked read)"


def install(state: ChaosState) -> list[Undo]:
    try:
        import httpx
    except ImportError:
        return []
    tracked = tracked_class(httpx.Response)

    class TruncatedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __init__(self, body: bytes, request: Any):
            self.body, self.request = body, request

        def __iter__(self) -> Iterator[bytes]:
            yield self.body
            raise httpx.RemoteProtocolError(INCOMPLETE, request=self.request)

        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield self.body
            raise httpx.RemoteProtocolError(INCOMPLETE, request=self.request)

    def read_timeout(request: Any) -> float | None:
        value = request.extensions.get("timeout", {}).get("read")
        return float(value) if value is not None else None

    def error(fault: str, request: Any) -> Exception | None:
        if fault == "connect-timeout":
            return httpx.ConnectTimeout("timed out", request=request)
        if fault == "dns-failure":
            return httpx.ConnectError("[Errno -2] Name or service not known", request=request)
        if fault == "connection-reset":
            return httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        if fault in ("read-timeout", "slow-response"):
            return httpx.ReadTimeout("timed out", request=request)
        return None

    def answer(fault: str, request: Any) -> Any:
        status, _, _, body = HTTP_BODIES[fault]
        headers = response_headers(fault)
        cls = tracked if FAULTS[fault].error_response else httpx.Response
        if fault == "truncated-body":
            return cls(status, headers=headers, stream=TruncatedStream(body, request), request=request)
        return cls(status, headers=headers, content=body, request=request)

    sync_original = httpx.HTTPTransport.handle_request
    async_original = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: Any, request: Any) -> Any:
        with state.boundary("httpx") as fault:
            if fault is None:
                return sync_original(self, request)
            if fault == "slow-response":
                wait_past(read_timeout(request))
            failure = error(fault, request)
            if failure is not None:
                raise failure
            return answer(fault, request)

    async def handle_async_request(self: Any, request: Any) -> Any:
        with state.boundary("httpx") as fault:
            if fault is None:
                return await async_original(self, request)
            if fault == "slow-response":
                timeout = read_timeout(request)
                await asyncio.sleep(FOREVER if timeout is None else timeout + 0.01)
            failure = error(fault, request)
            if failure is not None:
                raise failure
            return answer(fault, request)

    return [patch(httpx.HTTPTransport, "handle_request", handle_request),
            patch(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)]
