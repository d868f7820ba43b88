"""The pytest plugin in real pytest processes: inert by default, recording call sites, running a
batch of faults, enforcing the deadline, and leaving the real libraries working after every
faulted test."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import urllib3

from prodgate.dynamic.chaos import runner
from prodgate.dynamic.chaos.faults import applicable
from prodgate.dynamic.chaos.plan import FaultPlan
from prodgate.dynamic.chaos.pytest_process import run_pytest
from prodgate.dynamic.chaos.runner import chaos

CALLS = '''\
import sqlite3
import aiohttp, requests

def fetch(url):
    return requests.get(url, timeout=0.3).json()

def fetch_without_timeout(url):
    return requests.get(url).json()

def fetch_stubbornly(url):
    while True:
        try:
            return requests.get(url).json()
        except BaseException:
            continue

def count_tables(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select count(*) from sqlite_master").fetchone()[0]
    finally:
        conn.close()

async def fetch_async(url):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        async with session.get(url) as response:
            return await response.json()

def read_object(client, key):
    return client.get_object(Bucket="chaos-orders", Key=key)["Body"].read()
'''

TESTS = '''\
import asyncio, sqlite3, urllib.request
import aiohttp, httpx, requests
from app.calls import count_tables, fetch, fetch_async, fetch_stubbornly, fetch_without_timeout, read_object

def test_fetch(url):
    assert fetch(url) == {"ok": True}

def test_real_libraries_work(url, tmp_path, s3):
    # Runs after every faulted test: each library must behave as the real thing.
    assert s3.get_object(Bucket="chaos-orders", Key="order-1")["Body"].read() == b"paid"
    assert requests.get(url, timeout=2).json() == {"ok": True}
    assert httpx.get(url, timeout=2).json() == {"ok": True}
    assert urllib.request.urlopen(url, timeout=2).status == 200
    assert asyncio.run(fetch_json_with_aiohttp(url)) == {"ok": True}
    conn = sqlite3.connect(str(tmp_path / "real.db"))
    assert conn.execute("select 1").fetchone() == (1,)
    assert type(conn) is sqlite3.Connection or conn.execute("select 2").fetchone() == (2,)

def test_hangs_without_timeout(url):
    assert fetch_without_timeout(url) == {"ok": True}

def test_stubborn(url):
    assert fetch_stubbornly(url) == {"ok": True}

def test_tables(tmp_path):
    assert count_tables(str(tmp_path / "t.db")) == 0

def test_fetch_async(url):
    assert asyncio.run(fetch_async(url)) == {"ok": True}

def test_read_object(s3):
    assert read_object(s3, "order-1") == b"paid"

async def fetch_json_with_aiohttp(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return await response.json()
'''

CONFTEST = '''\
import json, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import pytest

class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

@pytest.fixture(scope="session")
def url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/ok"
    server.shutdown()

@pytest.fixture(scope="session")
def s3():
    import boto3
    from botocore.config import Config
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1", aws_access_key_id="chaos",
                          aws_secret_access_key="chaos", config=Config(retries={"total_max_attempts": 1}))
    client.create_bucket(Bucket="chaos-orders")
    client.put_object(Bucket="chaos-orders", Key="order-1", Body=b"paid")
    yield client
    server.stop()
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "calls.py").write_text(CALLS)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(CONFTEST)
    (tmp_path / "tests" / "test_calls.py").write_text(textwrap.dedent(TESTS))
    return tmp_path


def _python() -> str:
    return sys.executable


def test_plugin_is_inert_without_its_options() -> None:
    # This very session has the plugin loaded through its entry point, without options.
    assert urllib3.connectionpool.HTTPConnectionPool._make_request.__module__ == "urllib3.connectionpool"


def test_recording_gives_each_call_its_project_call_site(project: Path) -> None:
    run = run_pytest(_python(), project, ["-k", "not hangs and not stubborn"], [], timeout=120)
    assert run.returncode == 0, run.output_tail
    assert run.payload is not None
    calls = {(c["test"].split("::")[1], c["client"], c["site"]) for c in run.payload["calls"]}
    assert calls == {("test_fetch", "requests", "app/calls.py:5"), ("test_tables", "sqlite3", "app/calls.py:20"),
                     ("test_fetch_async", "aiohttp", "app/calls.py:26"), ("test_read_object", "botocore", "app/calls.py:30")}
    assert run.payload["targets"] == [{"client": "botocore", "site": "app/calls.py:30", "targets": ["s3.GetObject"]}]
    assert {entry["outcome"] for entry in run.payload["runs"][""].values()} == {"passed"}


@pytest.mark.parametrize(("client", "site", "test"), [
    ("requests", "app/calls.py:5", "test_fetch"), ("sqlite3", "app/calls.py:20", "test_tables"),
    ("aiohttp", "app/calls.py:26", "test_fetch_async"), ("botocore", "app/calls.py:30", "test_read_object")])
def test_real_libraries_work_after_every_faulted_test(project: Path, client: str, site: str, test: str) -> None:
    faults = applicable(client)
    select = [f"tests/test_calls.py::{test}", "tests/test_calls.py::test_real_libraries_work"]
    run = run_pytest(_python(), project, [], [f"--prodgate-fault={site}:{f}" for f in faults] + ["--prodgate-deadline=5"],
                     timeout=300, select=select)
    assert run.payload is not None, run.output_tail
    runs = run.payload["runs"]
    assert list(runs) == [f"{site}:{f}" for f in faults]
    for arm, tests in runs.items():
        faulted, real = tests[select[0]], tests[select[1]]
        assert faulted["outcome"] == "failed" and len(faulted["injections"]) == 1, arm
        assert real["outcome"] == "passed", (arm, real["exception"])


def test_a_call_without_timeout_under_slow_response_hangs_until_the_deadline(project: Path) -> None:
    run = run_pytest(_python(), project, [], ["--prodgate-fault=app/calls.py:8:slow-response", "--prodgate-deadline=1"],
                     timeout=60, select=["tests/test_calls.py::test_hangs_without_timeout"])
    assert run.payload is not None, run.output_tail
    entry = run.payload["runs"]["app/calls.py:8:slow-response"]["tests/test_calls.py::test_hangs_without_timeout"]
    assert entry["hung"] is True
    assert entry["exception"]["kind"] == "deadline"


def test_a_bad_fault_option_is_a_usage_error(project: Path) -> None:
    run = run_pytest(_python(), project, [], ["--prodgate-fault=app/calls.py:5:meteor-strike"], timeout=60)
    assert run.returncode == 4
    assert "meteor-strike" in run.output_tail


def test_a_library_is_patched_when_first_imported_and_unused_ones_are_never_imported(project: Path) -> None:
    (project / "app" / "lazy.py").write_text("def fetch_lazily(url):\n    import httpx\n    return httpx.get(url, timeout=2).json()\n")
    (project / "tests" / "test_lazy.py").write_text(
        "import sys\nfrom app.lazy import fetch_lazily\n\n"
        "def test_lazy(url):\n    assert not {'httpx', 'aiohttp', 'botocore', 'psycopg', 'redis'} & set(sys.modules)\n"
        "    assert fetch_lazily(url) == {'ok': True}\n")
    run = run_pytest(_python(), project, ["tests/test_lazy.py"], [], timeout=60)
    assert run.returncode == 0, run.output_tail
    assert run.payload is not None
    assert [(c["client"], c["site"]) for c in run.payload["calls"]] == [("httpx", "app/lazy.py:3")]


def test_xdist_is_a_usage_error_instead_of_a_silently_empty_recording(project: Path) -> None:
    run = run_pytest(_python(), project, ["-p", "xdist", "-n", "2"], [], timeout=60)
    assert run.returncode == 4
    assert "cannot run under pytest-xdist" in run.output_tail
    assert run_pytest(_python(), project, ["-p", "xdist", "-n", "0", "-k", "tables"], [], timeout=60).returncode == 0


def test_tests_failing_without_a_fault_are_diagnostics_and_never_faulted(project: Path) -> None:
    (project / "tests" / "test_broken.py").write_text(
        "from app.calls import count_tables\n\n"
        "def test_broken(tmp_path):\n    assert count_tables(str(tmp_path / 'b.db')) == 1\n")
    result = chaos(project, ["-k", "tables or broken"], FaultPlan(deadline=2.0))
    assert [(d.kind, d.path) for d in result.diagnostics] == [("chaos-baseline-failure", "tests/test_broken.py")]
    assert {(f.rule, f.properties["fault"], f.properties["test"]) for f in result.findings} == {
        ("PG950", "db-locked", "tests/test_calls.py::test_tables"),
        ("PG950", "db-operational", "tests/test_calls.py::test_tables")}
    assert result.extra["verdicts"] == {"unhandled": 2}


def test_a_child_that_swallows_the_deadline_is_killed_and_the_remaining_faults_run_afresh(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "PROCESS_SLACK", 3.0)
    plan = FaultPlan(faults=("slow-response", "connect-timeout", "http-500"), sites=("app/calls.py:13",), deadline=1.0)
    result = chaos(project, ["-k", "stubborn"], plan)
    found = {(f.rule, f.properties["fault"]) for f in result.findings}
    # slow-response and connect-timeout never return (each kills its child); http-500 comes back.
    assert ("PG951", "slow-response") in found and ("PG951", "connect-timeout") in found
    assert ("PG950", "http-500") not in found and ("PG951", "http-500") not in found
    assert not result.diagnostics


def test_aiohttp_and_boto3_faults_are_judged_and_name_the_aws_operation(project: Path) -> None:
    plan = FaultPlan(faults=("connect-timeout", "http-503"), sites=("app/calls.py:26", "app/calls.py:30"), deadline=5.0)
    result = chaos(project, ["-k", "fetch_async or read_object"], plan)
    found = {(f.rule, f.properties["site"], f.properties["fault"], f.properties["exception"], f.properties.get("target"))
             for f in result.findings}
    assert found == {
        ("PG950", "app/calls.py:26", "connect-timeout", "aiohttp.client_exceptions.ConnectionTimeoutError", None),
        # aiohttp's json() reads the 503's JSON error body without looking at the status.
        ("PG953", "app/calls.py:26", "http-503", "AssertionError", None),
        ("PG950", "app/calls.py:30", "connect-timeout", "botocore.exceptions.ConnectTimeoutError", "s3.GetObject"),
        ("PG950", "app/calls.py:30", "http-503", "botocore.exceptions.ClientError", "s3.GetObject"),
    }
