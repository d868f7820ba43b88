"""Each fault, injected at each client library, looks exactly like the library's own failure;
the real library works again once the patches are undone."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import botocore.client
import botocore.exceptions
import httpx
import psycopg
import pytest
import redis
import requests
import sqlalchemy
import urllib3

from prodgate.dynamic.chaos.faults import FAULTS, applicable

from .support import chaos, line_of

REQUESTS_ERRORS = {
    "connect-timeout": (requests.exceptions.ConnectTimeout, "connect timeout=0.3"),
    "read-timeout": (requests.exceptions.ReadTimeout, "Read timed out. (read timeout=0.3)"),
    "slow-response": (requests.exceptions.ReadTimeout, "Read timed out. (read timeout=0.3)"),
    "connection-reset": (requests.exceptions.ConnectionError, "Connection reset by peer"),
    "dns-failure": (requests.exceptions.ConnectionError, "Name or service not known"),
    "truncated-body": (requests.exceptions.ChunkedEncodingError, "IncompleteRead"),
}
HTTPX_ERRORS = {
    "connect-timeout": httpx.ConnectTimeout, "read-timeout": httpx.ReadTimeout, "slow-response": httpx.ReadTimeout,
    "connection-reset": httpx.ReadError, "dns-failure": httpx.ConnectError, "truncated-body": httpx.RemoteProtocolError,
}
URLLIB_ERRORS = {
    "connect-timeout": urllib.error.URLError, "dns-failure": urllib.error.URLError, "read-timeout": TimeoutError,
    "slow-response": TimeoutError, "connection-reset": ConnectionResetError, "truncated-body": Exception,
    "http-500": urllib.error.HTTPError, "http-502": urllib.error.HTTPError, "http-503": urllib.error.HTTPError,
    "http-429": urllib.error.HTTPError,
}
ANSWERS = ("http-500", "http-502", "http-503", "http-429", "malformed-json")
AIOHTTP_ERRORS: dict[str, tuple[type, str | None]] = {
    "connect-timeout": (aiohttp.ConnectionTimeoutError, "Connection timeout to host http://"),
    "dns-failure": (aiohttp.ClientConnectorDNSError, "Name or service not known"),
    "connection-reset": (aiohttp.ClientOSError, "Connection reset by peer"),
    # With only a total timeout, aiohttp's timer raises a bare TimeoutError.
    "read-timeout": (asyncio.TimeoutError, None), "slow-response": (asyncio.TimeoutError, None),
    "truncated-body": (aiohttp.ClientPayloadError, "received 31 of 200 bytes"),
}
BOTOCORE_ERRORS = {
    "connect-timeout": botocore.exceptions.ConnectTimeoutError, "dns-failure": botocore.exceptions.EndpointConnectionError,
    "connection-reset": botocore.exceptions.ConnectionClosedError, "read-timeout": botocore.exceptions.ReadTimeoutError,
    "slow-response": botocore.exceptions.ReadTimeoutError,
}
AWS_CODES = {
    "s3": {"http-500": "InternalError", "http-502": "502", "http-503": "SlowDown", "http-429": "SlowDown"},
    "dynamodb": {"http-500": "InternalFailure", "http-502": "502", "http-503": "ServiceUnavailable",
                 "http-429": "ThrottlingException"},
}


@pytest.mark.parametrize("fault", applicable("requests"))
def test_requests_faults_are_what_requests_raises_or_returns(project: tuple[Path, ModuleType], http_url: str, fault: str) -> None:
    root, calls = project
    site = line_of(root, "requests_get", "requests.get")
    with chaos(root, site, fault) as state:
        started = time.monotonic()
        if fault in REQUESTS_ERRORS:
            error, text = REQUESTS_ERRORS[fault]
            with pytest.raises(error, match=re.escape(text)):
                calls.requests_get(f"{http_url}/ok")
        else:
            injected = calls.requests_get(f"{http_url}/ok")
    if fault == "slow-response":
        assert time.monotonic() - started >= 0.3
    assert state.calls[("test", "requests", site)] == 1
    assert len(state.records["test"].injections) == 1
    if fault in ANSWERS:
        real = calls.requests_get(f"{http_url}/fault/{fault}")
        assert isinstance(injected, requests.Response)
        assert (injected.status_code, injected.reason, injected.content) == (real.status_code, real.reason, real.content)
        assert injected.headers["Content-Type"] == real.headers["Content-Type"]
        assert injected.headers.get("Retry-After") == real.headers.get("Retry-After")
        if fault == "malformed-json":
            with pytest.raises(requests.exceptions.JSONDecodeError):
                injected.json()
        else:
            with pytest.raises(requests.HTTPError, match=f"{injected.status_code} "):
                injected.raise_for_status()


def test_requests_retries_run_inside_the_fault(project: tuple[Path, ModuleType], http_url: str) -> None:
    root, calls = project
    site = line_of(root, "requests_retrying", "session.get")
    with chaos(root, site, "connection-reset") as state, pytest.raises(requests.exceptions.ConnectionError, match="Max retries exceeded"):
        calls.requests_retrying(f"{http_url}/ok", total=3)
    assert len(state.records["test"].injections) == 4


def test_only_the_armed_site_is_faulted(project: tuple[Path, ModuleType], http_url: str) -> None:
    root, calls = project
    with chaos(root, line_of(root, "httpx_get", "httpx.get"), "http-500") as state:
        assert calls.requests_get(f"{http_url}/ok").json() == {"ok": True}
        assert calls.httpx_get(f"{http_url}/ok").status_code == 500
    assert not state.records["test"].unchecked_read


def test_reading_an_error_body_without_checking_the_status_is_noticed(project: tuple[Path, ModuleType], http_url: str) -> None:
    root, calls = project
    with chaos(root, line_of(root, "requests_get", "requests.get"), "http-503") as state:
        response = calls.requests_get(f"{http_url}/ok")
        # Reads from this test file are not project code: nothing is noticed.
        assert response.json()["error"]["code"] == "unavailable"
    assert not state.records["test"].unchecked_read


@pytest.mark.parametrize(("function", "unchecked"), [("requests_json", True), ("requests_checked_json", False)])
def test_project_code_reading_an_error_body_before_its_status_is_noticed(
        project: tuple[Path, ModuleType], http_url: str, function: str, unchecked: bool) -> None:
    root, calls = project
    with chaos(root, line_of(root, function, "requests.get"), "http-500") as state:
        getattr(calls, function)(f"{http_url}/ok")
    assert state.records["test"].unchecked_read is unchecked


@pytest.mark.parametrize("fault", applicable("httpx"))
def test_httpx_faults_are_what_httpx_raises_or_returns(project: tuple[Path, ModuleType], http_url: str, fault: str) -> None:
    root, calls = project
    site = line_of(root, "httpx_get", "httpx.get")
    with chaos(root, site, fault):
        if fault in HTTPX_ERRORS:
            with pytest.raises(HTTPX_ERRORS[fault]) as raised:
                calls.httpx_get(f"{http_url}/ok")
            assert raised.value.request.url == f"{http_url}/ok"
        else:
            injected = calls.httpx_get(f"{http_url}/ok")
    if fault not in HTTPX_ERRORS:
        real = calls.httpx_get(f"{http_url}/fault/{fault}")
        assert isinstance(injected, httpx.Response)
        assert (injected.status_code, injected.content) == (real.status_code, real.content)
        assert injected.headers["content-type"] == real.headers["content-type"]


@pytest.mark.parametrize("fault", ["connect-timeout", "http-500"])
def test_async_httpx_is_faulted_too(project: tuple[Path, ModuleType], http_url: str, fault: str) -> None:
    root, calls = project
    with chaos(root, line_of(root, "httpx_get_async", "client.get"), fault):
        if fault == "connect-timeout":
            with pytest.raises(httpx.ConnectTimeout):
                asyncio.run(calls.httpx_get_async(f"{http_url}/ok"))
        else:
            assert asyncio.run(calls.httpx_get_async(f"{http_url}/ok")).status_code == 500


@pytest.mark.parametrize("fault", applicable("aiohttp"))
def test_aiohttp_faults_are_what_aiohttp_raises_or_returns(project: tuple[Path, ModuleType], http_url: str, fault: str) -> None:
    root, calls = project
    site = line_of(root, "aiohttp_get", "session.get")
    with chaos(root, site, fault) as state:
        started = time.monotonic()
        if fault in AIOHTTP_ERRORS:
            error, text = AIOHTTP_ERRORS[fault]
            with pytest.raises(error, match=text and re.escape(text)):
                asyncio.run(calls.aiohttp_get(f"{http_url}/ok"))
        else:
            injected = asyncio.run(calls.aiohttp_get(f"{http_url}/ok"))
    if fault == "slow-response":
        assert time.monotonic() - started >= 0.3
    # aiohttp retries a reset GET once by itself: still one call, one injection.
    assert state.calls[("test", "aiohttp", site)] == 1
    assert len(state.records["test"].injections) == 1
    if fault not in AIOHTTP_ERRORS:
        status, reason, headers, body = asyncio.run(calls.aiohttp_get(f"{http_url}/fault/{fault}"))
        assert injected[:2] == (status, reason) and injected[3] == body
        assert {k: injected[2].get(k) for k in ("Content-Type", "Content-Length", "Retry-After")} == \
            {k: headers.get(k) for k in ("Content-Type", "Content-Length", "Retry-After")}


@pytest.mark.parametrize("fault", ["read-timeout", "slow-response"])
def test_aiohttp_read_timeouts_raise_what_the_callers_sock_read_timer_raises(
        project: tuple[Path, ModuleType], http_url: str, fault: str) -> None:
    root, calls = project
    with chaos(root, line_of(root, "aiohttp_get", "session.get"), fault), \
            pytest.raises(aiohttp.SocketTimeoutError, match="Timeout on reading data from socket"):
        asyncio.run(calls.aiohttp_get(f"{http_url}/ok", total=None, sock_read=0.3))


@pytest.mark.parametrize(("fault", "error"), [("malformed-json", json.JSONDecodeError), ("http-502", aiohttp.ContentTypeError)])
def test_aiohttp_json_of_a_bad_body_fails_as_against_a_real_server(
        project: tuple[Path, ModuleType], http_url: str, fault: str, error: type) -> None:
    root, calls = project
    with chaos(root, line_of(root, "aiohttp_json", "session.get"), fault) as state, pytest.raises(error):
        asyncio.run(calls.aiohttp_json(f"{http_url}/ok"))
    with pytest.raises(error):
        asyncio.run(calls.aiohttp_json(f"{http_url}/fault/{fault}"))
    assert state.records["test"].unchecked_read is FAULTS[fault].error_response


@pytest.mark.parametrize(("fault", "first"), [("http-500", 500), ("connection-reset", "ClientOSError"),
                                              ("truncated-body", 200), ("read-timeout", "TimeoutError")])
def test_a_faulted_aiohttp_connection_is_never_reused(project: tuple[Path, ModuleType], http_url: str, fault: str,
                                                      first: int | str) -> None:
    root, calls = project
    # The first call of the session meets the fault; the second, at another line, reaches the server.
    with chaos(root, line_of(root, "aiohttp_twice", "session.get"), fault):
        assert asyncio.run(calls.aiohttp_twice(f"{http_url}/ok")) == (first, {"ok": True})


@pytest.mark.parametrize(("service", "function"), [("s3", "s3_read"), ("dynamodb", "dynamodb_get")])
@pytest.mark.parametrize("fault", applicable("botocore"))
def test_botocore_faults_are_what_botocore_raises_or_returns(
        project: tuple[Path, ModuleType], aws: dict[str, Any], service: str, function: str, fault: str) -> None:
    root, calls = project
    site = line_of(root, function, "client.")
    args = (aws[service], "chaos-orders" if service == "s3" else "orders", "order-1")
    with chaos(root, site, fault) as state:
        if fault in BOTOCORE_ERRORS:
            with pytest.raises(BOTOCORE_ERRORS[fault]):
                getattr(calls, function)(*args)
        elif fault in AWS_CODES[service]:
            with pytest.raises(botocore.exceptions.ClientError) as raised:
                getattr(calls, function)(*args)
            error = raised.value.response
            assert error["Error"]["Code"] == AWS_CODES[service][fault]
            assert error["ResponseMetadata"]["HTTPStatusCode"] == int(fault.removeprefix("http-"))
            assert error["ResponseMetadata"]["HTTPHeaders"].get("retry-after") == ("1" if fault in ("http-503", "http-429") else None)
            assert "reached max retries: 1" in str(raised.value)  # botocore's own retry ran against the fault
        elif service == "s3":
            if fault == "truncated-body":
                with pytest.raises(botocore.exceptions.IncompleteReadError):
                    getattr(calls, function)(*args)
            else:  # an object body is whatever the answer holds: the HTML page is read as the object
                assert getattr(calls, function)(*args).startswith(b"<html>")
        else:  # botocore's JSON parser drops a body it cannot parse: the item is simply missing
            assert getattr(calls, function)(*args) is None
    assert dict(state.calls) == {("test", "botocore", site): 1}
    assert state.targets == {("botocore", site): {"s3.GetObject" if service == "s3" else "dynamodb.GetItem"}}
    assert len(state.records["test"].injections) == 1
    assert getattr(calls, function)(*args) in (b"paid", {"id": {"S": "order-1"}, "status": {"S": "paid"}})


@pytest.mark.parametrize("fault", applicable("urllib"))
def test_urllib_faults_are_what_urllib_raises_or_returns(project: tuple[Path, ModuleType], http_url: str, fault: str) -> None:
    root, calls = project
    with chaos(root, line_of(root, "urllib_get", "urlopen"), fault):
        if fault == "malformed-json":
            status, body = calls.urllib_get(f"{http_url}/ok")
            assert (status, body) == (200, calls.urllib_get(f"{http_url}/fault/malformed-json")[1])
            return
        with pytest.raises(URLLIB_ERRORS[fault]) as raised:
            calls.urllib_get(f"{http_url}/ok")
    if isinstance(raised.value, urllib.error.HTTPError):
        with pytest.raises(urllib.error.HTTPError) as real:
            calls.urllib_get(f"{http_url}/fault/{fault}")
        assert (raised.value.code, raised.value.reason, raised.value.read()) == (real.value.code, real.value.reason, real.value.read())
    if fault == "truncated-body":
        assert type(raised.value).__name__ == "IncompleteRead"


@pytest.mark.parametrize(("fault", "message", "code"), [("db-locked", "database is locked", "SQLITE_BUSY"),
                                                         ("db-operational", "disk I/O error", "SQLITE_IOERR")])
def test_sqlite_faults_are_sqlite_operational_errors(project: tuple[Path, ModuleType], tmp_path: Path, fault: str, message: str, code: str) -> None:
    root, calls = project
    database = str(tmp_path / "db.sqlite")
    with chaos(root, line_of(root, "sqlite_count", "conn.execute"), fault) as state:
        with pytest.raises(sqlite3.OperationalError, match=f"^{message}$") as raised:
            calls.sqlite_count(database)
        assert raised.value.sqlite_errorname == code  # type: ignore[attr-defined]
        assert isinstance(sqlite3.connect(database), sqlite3.Connection)
    assert sum(state.calls.values()) == 1
    assert calls.sqlite_count(database) == 0


@pytest.mark.parametrize("fault", ["db-locked", "db-operational"])
def test_sqlalchemy_on_sqlite_wraps_the_fault_as_it_wraps_the_real_error(project: tuple[Path, ModuleType], tmp_path: Path, fault: str) -> None:
    root, calls = project
    url = f"sqlite:///{tmp_path / 'sa.db'}"
    with chaos(root, line_of(root, "sqlalchemy_one", "conn.execute"), fault), \
            pytest.raises(sqlalchemy.exc.OperationalError) as raised:
        calls.sqlalchemy_one(url)
    assert isinstance(raised.value.orig, sqlite3.OperationalError)
    assert calls.sqlalchemy_one(url) == 1


@pytest.mark.parametrize(("fault", "error"), [("db-locked", "LockNotAvailable"), ("db-operational", "OperationalError")])
def test_psycopg_faults_are_psycopg_errors(project: tuple[Path, ModuleType], fault: str, error: str) -> None:
    url = os.environ.get("PRODGATE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PRODGATE_TEST_POSTGRES_URL is not set (.ci/postgres.sh starts PostgreSQL and sets it)")
    root, calls = project
    with chaos(root, line_of(root, "psycopg_one", "conn.execute"), fault), pytest.raises(psycopg.Error) as raised:
        calls.psycopg_one(url)
    assert type(raised.value).__name__ == error and isinstance(raised.value, psycopg.OperationalError)
    assert calls.psycopg_one(url) == 1


@pytest.mark.parametrize(("fault", "error", "text"), [
    ("redis-down", redis.exceptions.ConnectionError, "Connection refused"),
    ("connect-timeout", redis.exceptions.TimeoutError, "Timeout connecting to server"),
    ("connection-reset", redis.exceptions.ConnectionError, "Connection reset by peer"),
    ("read-timeout", redis.exceptions.TimeoutError, "Timeout reading from"),
    ("slow-response", redis.exceptions.TimeoutError, "Timeout reading from"),
])
def test_redis_faults_are_what_redis_py_raises(project: tuple[Path, ModuleType], redis_url: str, fault: str, error: type, text: str) -> None:
    root, calls = project
    redis.Redis.from_url(redis_url).set("greeting", b"hello")
    with chaos(root, line_of(root, "redis_get", ".get(key)"), fault) as state, pytest.raises(error, match=text):
        calls.redis_get(redis_url, "greeting")
    assert len(state.records["test"].injections) == 1
    assert calls.redis_get(redis_url, "greeting") == b"hello"


def test_redis_clients_own_retry_runs_against_the_fault(project: tuple[Path, ModuleType], redis_url: str) -> None:
    root, calls = project
    redis.Redis.from_url(redis_url).set("greeting", b"hello")
    with chaos(root, line_of(root, "redis_get_retrying", "client.get"), "redis-down") as state, \
            pytest.raises(redis.exceptions.ConnectionError, match=r"Error 111 connecting to 127\.0\.0\.1"):
        calls.redis_get_retrying(redis_url, "greeting")
    assert len(state.records["test"].injections) == 3
    assert calls.redis_get_retrying(redis_url, "greeting") == b"hello"


@pytest.mark.parametrize(("fault", "error"), [("connect-timeout", TimeoutError), ("connection-reset", ConnectionResetError),
                                              ("dns-failure", socket.gaierror)])
def test_socket_faults(project: tuple[Path, ModuleType], http_url: str, fault: str, error: type) -> None:
    root, calls = project
    host, port = http_url.removeprefix("http://").split(":")
    with chaos(root, line_of(root, "socket_connect", "create_connection"), fault), pytest.raises(error):
        calls.socket_connect(host, int(port))
    assert calls.socket_connect(host, int(port)) is True


def test_undo_restores_every_patched_attribute(project: tuple[Path, ModuleType], http_url: str, tmp_path: Path,
                                               aws: dict[str, Any]) -> None:
    owners = [urllib3.connectionpool.HTTPConnectionPool, requests.adapters.HTTPAdapter, httpx.HTTPTransport,
              httpx.AsyncHTTPTransport, aiohttp.ClientSession, aiohttp.connector.BaseConnector, botocore.client.BaseClient,
              urllib.request.AbstractHTTPHandler, redis.connection.AbstractConnection, socket.socket, sqlite3, sqlite3.dbapi2]
    before = [dict(vars(owner)) for owner in owners]
    root, calls = project
    with chaos(root, line_of(root, "requests_get", "requests.get"), "http-500"):
        assert urllib3.connectionpool.HTTPConnectionPool._make_request is not before[0]["_make_request"]
    assert [dict(vars(owner)) for owner in owners] == before
    assert calls.requests_get(f"{http_url}/ok").json() == {"ok": True}
    assert calls.httpx_get(f"{http_url}/ok").json() == {"ok": True}
    assert calls.urllib_get(f"{http_url}/ok")[0] == 200
    assert asyncio.run(calls.aiohttp_json(f"{http_url}/ok")) == {"ok": True}
    assert calls.s3_read(aws["s3"], "chaos-orders", "order-1") == b"paid"
    assert calls.sqlite_count(str(tmp_path / "after.db")) == 0


def test_every_fault_applies_to_some_client() -> None:
    clients = ("requests", "httpx", "aiohttp", "botocore", "urllib", "sqlite3", "psycopg", "redis", "socket")
    assert {f for c in clients for f in applicable(c)} == set(FAULTS)
