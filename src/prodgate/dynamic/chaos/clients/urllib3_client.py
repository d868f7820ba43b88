"""urllib3 (and requests, which sends through it): faults at ``HTTPConnectionPool._make_request``.

That is one attempt of ``urlopen``: the exceptions raised here are the ones urllib3's own
connection code raises, so urllib3's retries, its wrapping (``ProtocolError``, ``MaxRetryError``)
and requests' translation (``ConnectTimeout``, ``ReadTimeout``, ``ConnectionError``) happen
exactly as with a real failure. Error answers are real ``urllib3.HTTPResponse`` objects. Faults
handed down by botocore (``botocore_client``) are injected here too, into each of its attempts.
"""

from __future__ import annotations

import io
import socket
import sys
from types import FrameType
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.clients.pacing import wait_past
from prodgate.dynamic.chaos.faults import http_answer
from prodgate.dynamic.chaos.state import ChaosState


def _client() -> str:
    frame: FrameType | None = sys._getframe(2)
    for _ in range(6):
        if frame is None:
            break
        if frame.f_globals.get("__name__", "").startswith("requests."):
            return "requests"
        frame = frame.f_back
    return "urllib3"


def install(state: ChaosState) -> list[Undo]:
    try:
        from urllib3 import connectionpool, exceptions
        from urllib3.response import HTTPResponse
    except ImportError:
        return []
    original = connectionpool.HTTPConnectionPool._make_request

    def fail(pool: Any, conn: Any, fault: str, url: str, timeout: Any) -> Any:
        timeouts = pool._get_timeout(timeout)
        if fault == "connect-timeout":
            raise exceptions.ConnectTimeoutError(
                conn, f"Connection to {pool.host} timed out. (connect timeout={timeouts.connect_timeout})")
        if fault == "dns-failure":
            raise exceptions.NameResolutionError(pool.host, conn, socket.gaierror(-2, "Name or service not known"))
        if fault == "connection-reset":
            raise ConnectionResetError(104, "Connection reset by peer")
        if fault in ("read-timeout", "slow-response"):
            read_timeout = timeouts.read_timeout
            if fault == "slow-response":
                wait_past(read_timeout)
            raise exceptions.ReadTimeoutError(pool, url, f"Read timed out. (read timeout={read_timeout})")
        return None

    def make_request(self: Any, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        with state.boundary(_client()) as fault:
            handed = state.handed("urllib3") if fault is None else None
            if handed is not None:
                fault = handed.fault
            if fault is None:
                return original(self, conn, method, url, *args, **kwargs)
            fail(self, conn, fault, url, kwargs.get("timeout", args[3] if len(args) > 3 else None))
            status, reason, headers, body = handed.answer if handed is not None and handed.answer else http_answer(fault)
            response = HTTPResponse(
                body=io.BytesIO(body), headers=headers, status=status, reason=reason,
                preload_content=kwargs.get("preload_content", True), decode_content=kwargs.get("decode_content", True),
                enforce_content_length=kwargs.get("enforce_content_length", True), request_method=method,
                request_url=url, pool=self, connection=conn, retries=kwargs.get("retries"))
            response._prodgate_fault = fault  # type: ignore[attr-defined]
            return response

    return [patch(connectionpool.HTTPConnectionPool, "_make_request", make_request)]
