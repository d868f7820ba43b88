"""Real dependencies for the chaos tests: a threaded HTTP server on loopback, a redis-server on a
free port (skipped with the reason when the binary is absent), and a throw-away project whose
module makes the calls, so call sites are project code."""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from prodgate.dynamic.chaos.faults import HTTP_BODIES, response_headers


class Api(BaseHTTPRequestHandler):
    """``/ok`` answers ``{"ok": true}``; ``/fault/NAME`` answers exactly what fault NAME injects."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.startswith("/fault/"):
            fault = self.path.removeprefix("/fault/")
            status, reason, _, body = HTTP_BODIES[fault]
            self.send_response(status, reason)
            for name, value in response_headers(fault).items():
                self.send_header(name, value)
        else:
            status, body = 200, json.dumps({"ok": True}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def http_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it with apt-get)")
    port = _free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path_factory.mktemp("redis"))],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


PROJECT_CODE = '''\
import json, socket, sqlite3, urllib.request
import aiohttp, httpx, redis, requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

def requests_get(url, timeout=0.3):
    return requests.get(url, timeout=timeout)

def requests_retrying(url, total):
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=total, backoff_factor=0)))
    return session.get(url, timeout=0.3)

def httpx_get(url, timeout=0.3):
    return httpx.get(url, timeout=timeout)

async def httpx_get_async(url):
    async with httpx.AsyncClient(timeout=0.3) as client:
        return await client.get(url)

def urllib_get(url, timeout=0.3):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()

def sqlite_count(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select count(*) from sqlite_master").fetchone()[0]
    finally:
        conn.close()

def redis_get(url, key):
    return redis.Redis.from_url(url, socket_timeout=0.3).get(key)

def redis_get_retrying(url, key):
    from redis.backoff import ConstantBackoff
    from redis.retry import Retry as RedisRetry
    client = redis.Redis.from_url(url, socket_timeout=0.3, retry=RedisRetry(ConstantBackoff(0.01), 2),
                                  retry_on_error=[redis.exceptions.ConnectionError])
    return client.get(key)

def requests_json(url):
    return requests.get(url, timeout=0.3).json()

def requests_checked_json(url):
    response = requests.get(url, timeout=0.3)
    if response.status_code != 200:
        return None
    return response.json()

def sqlalchemy_one(url):
    import sqlalchemy
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sqlalchemy.text("select 1")).scalar()
    finally:
        engine.dispose()

def psycopg_one(url):
    import psycopg
    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute("select 1").fetchone()[0]

def socket_connect(host, port):
    with socket.create_connection((host, port), timeout=0.3):
        return True

async def aiohttp_get(url, total=0.3, sock_read=None):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=total, sock_read=sock_read)) as session:
        async with session.get(url) as response:
            return response.status, response.reason, dict(response.headers), await response.read()

async def aiohttp_json(url):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as session:
        async with session.get(url) as response:
            return await response.json()

async def aiohttp_twice(url):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as session:
        try:
            async with session.get(url) as response:
                first = response.status
        except Exception as exc:
            first = type(exc).__name__
        async with session.get(url) as response:
            return first, await response.json()

def s3_read(client, bucket, key):
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()

def dynamodb_get(client, table, key):
    return client.get_item(TableName=table, Key={"id": {"S": key}}).get("Item")
'''


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's AWS endpoint, a real HTTP server on loopback (S3, DynamoDB, ...)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _boto3_client(service: str, url: str, config: Any) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="chaos",
                        aws_secret_access_key="chaos", config=config)


@pytest.fixture(scope="session")
def aws(moto_url: str) -> dict[str, Any]:
    """boto3 clients on moto for the code under test (one retry, timeouts of 1 s, so a slow response
    costs two seconds): S3 (rest-xml) with an object, DynamoDB (json) with a table.

    The data is set up, and read back once, through clients with generous timeouts: moto loads each
    service's backend on its first request, which takes seconds on a busy machine. Once warm, moto
    answers on loopback in milliseconds."""
    from botocore.config import Config

    setup = Config(retries={"total_max_attempts": 3, "mode": "standard"}, connect_timeout=30, read_timeout=60)
    s3, dynamodb = (_boto3_client(service, moto_url, setup) for service in ("s3", "dynamodb"))
    s3.create_bucket(Bucket="chaos-orders")
    s3.put_object(Bucket="chaos-orders", Key="order-1", Body=b"paid")
    dynamodb.create_table(TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName="orders", Item={"id": {"S": "order-1"}, "status": {"S": "paid"}})
    assert s3.get_object(Bucket="chaos-orders", Key="order-1")["Body"].read() == b"paid"
    assert dynamodb.get_item(TableName="orders", Key={"id": {"S": "order-1"}})["Item"]["status"] == {"S": "paid"}
    under_test = Config(retries={"total_max_attempts": 2, "mode": "standard"}, connect_timeout=1, read_timeout=1)
    return {service: _boto3_client(service, moto_url, under_test) for service in ("s3", "dynamodb")}


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModuleType]:
    """A project directory holding ``calls.py``; the module is imported from there."""
    root = tmp_path_factory.mktemp("project")
    (root / "calls.py").write_text(PROJECT_CODE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("chaos_project_calls", root / "calls.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return root, module
