"""requests: calls are recorded and faulted in urllib3 (``urllib3_client``); here the
``requests.Response`` built from an injected error answer becomes a tracked one."""

from __future__ import annotations

from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.clients.tracking import tracked_class
from prodgate.dynamic.chaos.faults import FAULTS
from prodgate.dynamic.chaos.state import ChaosState


def install(state: ChaosState) -> list[Undo]:
    try:
        import requests
        from requests.adapters import HTTPAdapter
    except ImportError:
        return []
    original = HTTPAdapter.build_response
    tracked = tracked_class(requests.Response)

    def build_response(self: Any, req: Any, resp: Any) -> Any:
        response = original(self, req, resp)
        fault = getattr(resp, "_prodgate_fault", None)
        if fault is not None and FAULTS[fault].error_response:
            response.__class__ = tracked
        return response

    return [patch(HTTPAdapter, "build_response", build_response)]
