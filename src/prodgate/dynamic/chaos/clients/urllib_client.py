"""urllib.request: faults at ``AbstractHTTPHandler.do_open``, one HTTP exchange.

Connection failures are wrapped in ``URLError`` as ``do_open`` wraps them; failures while
reading the answer (read timeout, reset) escape raw, as they do from ``getresponse``. Answers
are real ``http.client.HTTPResponse`` objects parsed from bytes, so error statuses become
``HTTPError`` in urllib's own error processor and a short body raises ``IncompleteRead``.
"""

from __future__ import annotations

import http.client
import io
import socket
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.clients.pacing import wait_past
from prodgate.dynamic.chaos.faults import raw_answer
from prodgate.dynamic.chaos.state import ChaosState


class _BytesSocket:
    def __init__(self, data: bytes):
        self._file = io.BytesIO(data)

    def makefile(self, *args: Any, **kwargs: Any) -> io.BytesIO:
        return self._file


def http_response(fault: str, method: str, url: str) -> http.client.HTTPResponse:
    """A real ``http.client.HTTPResponse`` carrying the answer of ``fault``."""
    response = http.client.HTTPResponse(_BytesSocket(raw_answer(fault)), method=method, url=url)  # type: ignore[arg-type]
    response.begin()
    return response


def install(state: ChaosState) -> list[Undo]:
    import urllib.error
    import urllib.request

    original = urllib.request.AbstractHTTPHandler.do_open

    def do_open(self: Any, http_class: Any, req: Any, **http_conn_args: Any) -> Any:
        with state.boundary("urllib") as fault:
            if fault is None:
                return original(self, http_class, req, **http_conn_args)
            if fault == "connect-timeout":
                raise urllib.error.URLError(TimeoutError("timed out"))
            if fault == "dns-failure":
                raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
            if fault == "connection-reset":
                raise ConnectionResetError(104, "Connection reset by peer")
            if fault in ("read-timeout", "slow-response"):
                if fault == "slow-response":
                    timeout = req.timeout if isinstance(req.timeout, (int, float)) else socket.getdefaulttimeout()
                    wait_past(timeout)
                raise TimeoutError("timed out")
            response = http_response(fault, req.get_method(), req.get_full_url())
            response.url = req.get_full_url()
            response.msg = response.reason  # type: ignore[assignment]
            return response

    return [patch(urllib.request.AbstractHTTPHandler, "do_open", do_open)]
