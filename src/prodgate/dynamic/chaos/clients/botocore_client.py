"""boto3/botocore: calls recorded at ``BaseClient._make_api_call``, faults injected in urllib3.

The call's target is the service and operation (``s3.GetObject``). botocore sends each attempt
through urllib3, so the fault is handed down to the urllib3 boundary (``urllib3_client``) and
botocore's own code turns it into what it raises for a real failure: ``ConnectTimeoutError``,
``EndpointConnectionError`` (DNS), ``ConnectionClosedError`` (reset), ``ReadTimeoutError``, or a
``ClientError`` parsed from the answer. Its retries (retry mode, ``max_attempts``, backoff) run
against the fault inside the one recorded call. Error answers are worded as AWS words them for
the service's protocol: ``InternalError``/``InternalFailure`` (500), ``SlowDown`` (S3) or
``ServiceUnavailable`` (503), ``SlowDown``/``ThrottlingException``/``Throttling`` (429), with
``Retry-After: 1``; a 502 is the proxy's HTML page.
"""

from __future__ import annotations

import json
from typing import Any

from prodgate.dynamic.chaos.clients import Undo, patch
from prodgate.dynamic.chaos.faults import Answer, response_headers
from prodgate.dynamic.chaos.state import ChaosState, HandedFault

REQUEST_ID = "PRODGATECHAOS0001"
XML = ("rest-xml", "query", "ec2")
JSON = ("json", "rest-json")
CODES: dict[str, dict[str, tuple[str, str]]] = {
    # fault: protocol family -> (error code, message)
    "http-500": {"s3": ("InternalError", "We encountered an internal error. Please try again."),
                 "aws": ("InternalFailure", "The request processing has failed because of an unknown error.")},
    "http-503": {"s3": ("SlowDown", "Please reduce your request rate."),
                 "aws": ("ServiceUnavailable", "The request has failed due to a temporary failure of the server.")},
    "http-429": {"s3": ("SlowDown", "Please reduce your request rate."),
                 "json": ("ThrottlingException", "Rate exceeded"),
                 "aws": ("Throttling", "Rate exceeded")},
}
STATUS = {"http-500": (500, "Internal Server Error"), "http-503": (503, "Service Unavailable"),
          "http-429": (429, "Too Many Requests")}


def aws_answer(fault: str, service: str, protocol: str) -> Answer | None:
    """The error answer an AWS service gives under ``fault``, or None where the default applies."""
    if fault not in CODES or protocol not in (*XML, *JSON):
        return None
    family = "s3" if service == "s3" else ("json" if protocol in JSON else "aws")
    code, message = CODES[fault].get(family) or CODES[fault]["aws"]
    status, reason = STATUS[fault]
    headers = {k: v for k, v in response_headers(fault).items() if k != "Content-Length"}
    headers["x-amzn-RequestId"] = REQUEST_ID
    if protocol in JSON:
        headers["Content-Type"] = "application/x-amz-json-1.0" if protocol == "json" else "application/json"
        headers["x-amzn-ErrorType"] = code
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "rest-xml":
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
                f"<RequestId>{REQUEST_ID}</RequestId></Error>").encode()
    elif protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{REQUEST_ID}</RequestID></Response>").encode()
    else:
        side = "Receiver" if status >= 500 else "Sender"
        body = (f"<ErrorResponse><Error><Type>{side}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                f"<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>").encode()
    if protocol not in JSON:
        headers["Content-Type"] = "text/xml" if protocol != "rest-xml" else "application/xml"
    headers["Content-Length"] = str(len(body))
    return status, reason, headers, body


def install(state: ChaosState) -> list[Undo]:
    try:
        from botocore.client import BaseClient
    except ImportError:
        return []
    original = BaseClient._make_api_call

    def make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
        model = self.meta.service_model
        with state.boundary("botocore", f"{model.service_name}.{operation_name}") as fault:
            if fault is None:
                return original(self, operation_name, api_params)
            answer = aws_answer(fault, model.service_name, model.protocol)
            with state.hand_down(HandedFault(fault, "urllib3", answer)):
                return original(self, operation_name, api_params)

    return [patch(BaseClient, "_make_api_call", make_api_call)]
