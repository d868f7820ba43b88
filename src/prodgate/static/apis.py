"""Knowledge about third-party and standard-library APIs that several rules share.

Qualified names as ``names.Scopes.qualname_of`` produces them. Keep each table to one fact
("these calls perform HTTP requests"); rules combine them.
"""

from __future__ import annotations

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# Module-level functions that perform an HTTP request and accept ``timeout=``.
REQUESTS_FUNCTIONS = frozenset(f"requests.{verb}" for verb in HTTP_VERBS) | frozenset(
    f"requests.api.{verb}" for verb in HTTP_VERBS
)
HTTPX_FUNCTIONS = frozenset(f"httpx.{verb}" for verb in (*HTTP_VERBS, "stream"))

# Constructors of client objects whose methods perform requests.
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
AIOHTTP_SESSIONS = frozenset({"aiohttp.ClientSession"})

# Every call that sends an HTTP request synchronously (used for loops and async code).
SYNC_HTTP_FUNCTIONS = REQUESTS_FUNCTIONS | frozenset(f"httpx.{verb}" for verb in HTTP_VERBS) | frozenset(
    {"urllib.request.urlopen", "urllib3.request", "http.client.HTTPConnection.request"}
)


def is_http_verb(attribute: str) -> bool:
    return attribute in HTTP_VERBS
