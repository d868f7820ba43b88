"""The fixed fault names, what each one means, and which clients it applies to.

A fault is injected at the client library boundary; ``clients`` builds it the way each library
builds the real exception or response. The names are part of the public contract (plans,
``--prodgate-fault SITE:FAULT`` and the ``fault`` property of findings).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    kinds: frozenset[str]
    description: str
    error_response: bool = False
    """The dependency answers, with an error body the code may read without checking the status."""


HTTP, DB, REDIS, SOCKET = "http", "db", "redis", "socket"

FAULTS: dict[str, Fault] = {f.name: f for f in (
    Fault("connect-timeout", frozenset({HTTP, REDIS, SOCKET}), "the connection is not established within the connect timeout"),
    Fault("read-timeout", frozenset({HTTP, REDIS}), "the dependency accepts the request and does not answer within the read timeout"),
    Fault("connection-reset", frozenset({HTTP, REDIS, SOCKET}), "the peer resets the connection (ECONNRESET)"),
    Fault("dns-failure", frozenset({HTTP, SOCKET}), "the host name does not resolve"),
    Fault("http-500", frozenset({HTTP}), "500 Internal Server Error with a JSON error body", error_response=True),
    Fault("http-502", frozenset({HTTP}), "502 Bad Gateway with the HTML page a proxy sends", error_response=True),
    Fault("http-503", frozenset({HTTP}), "503 Service Unavailable with a JSON error body and Retry-After: 1", error_response=True),
    Fault("http-429", frozenset({HTTP}), "429 Too Many Requests with a JSON error body and Retry-After: 1", error_response=True),
    Fault("slow-response", frozenset({HTTP, REDIS}), "the answer comes later than the caller's read timeout; with no timeout the call hangs"),
    Fault("malformed-json", frozenset({HTTP}), "200 OK, Content-Type application/json, but the body is an HTML page"),
    Fault("truncated-body", frozenset({HTTP}), "200 OK whose body stops before its Content-Length"),
    Fault("db-locked", frozenset({DB}), "the database is locked by another writer (SQLite SQLITE_BUSY, PostgreSQL lock timeout)"),
    Fault("db-operational", frozenset({DB}), "the database fails the statement (disk I/O error, server closed the connection)"),
    Fault("redis-down", frozenset({REDIS}), "the Redis server refuses connections"),
)}

CLIENT_KINDS = {
    "requests": HTTP, "urllib3": HTTP, "httpx": HTTP, "aiohttp": HTTP, "urllib": HTTP, "botocore": HTTP,
    "sqlite3": DB, "psycopg": DB, "redis": REDIS, "socket": SOCKET,
}

HTTP_BODIES: dict[str, tuple[int, str, str, bytes]] = {
    # fault: (status, reason, content type, body)
    "http-500": (500, "Internal Server Error", "application/json",
                 b'{"error": {"code": "internal", "message": "Internal Server Error"}}'),
    "http-502": (502, "Bad Gateway", "text/html",
                 b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"),
    "http-503": (503, "Service Unavailable", "application/json",
                 b'{"error": {"code": "unavailable", "message": "Service Unavailable"}}'),
    "http-429": (429, "Too Many Requests", "application/json",
                 b'{"error": {"code": "rate_limited", "message": "Too Many Requests"}}'),
    "malformed-json": (200, "OK", "application/json",
                       b"<html><body><h1>Service temporarily unavailable</h1></body></html>"),
    "truncated-body": (200, "OK", "application/json", b'{"id": "chaos", "status": "comp'),
}
TRUNCATED_LENGTH = 200
"""The Content-Length announced for ``truncated-body``; fewer bytes arrive."""


def applicable(client: str) -> tuple[str, ...]:
    """The fault names that apply to calls through ``client`` (in their documented order)."""
    kind = CLIENT_KINDS.get(client)
    return tuple(name for name, fault in FAULTS.items() if kind in fault.kinds)


def response_headers(fault: str) -> dict[str, str]:
    status, _, content_type, body = HTTP_BODIES[fault]
    headers = {"Content-Type": content_type, "Content-Length": str(TRUNCATED_LENGTH if fault == "truncated-body" else len(body))}
    if status in (429, 503):
        headers["Retry-After"] = "1"
    return headers


Answer = tuple[int, str, dict[str, str], bytes]
"""An answer: status, reason, headers, body."""


def http_answer(fault: str) -> Answer:
    """What the dependency answers under an answering fault (the error statuses, the bad bodies)."""
    status, reason, _, body = HTTP_BODIES[fault]
    return status, reason, response_headers(fault), body


def raw_answer(fault: str) -> bytes:
    """The answer of ``fault`` as the bytes an HTTP/1.1 server sends."""
    status, reason, headers, body = http_answer(fault)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"HTTP/1.1 {status} {reason}\r\n{head}\r\n".encode("latin-1") + body
