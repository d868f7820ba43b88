"""``prodgate check --python`` and ``--online`` end to end, against a real interpreter and a local index."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from prodgate.cli.main import main

PROJECT = '[project]\nname = "svc"\nrequires-python = ">=3.10"\ndependencies = ["requests>=2.31"]\n'
RELEASE = {"upload_time_iso_8601": "2026-11-01T10:00:00.000000Z"}
OLD_RELEASE = {"upload_time_iso_8601": "2012-03-01T10:00:00.000000Z"}
PACKAGES = {
    "fresh-retry-helper": {"info": {"name": "fresh-retry-helper"}, "releases": {"0.0.1": [RELEASE]}},
    "legacy-toolkit": {"info": {"name": "legacy-toolkit"},
                       "releases": {f"1.{n}": [OLD_RELEASE] for n in range(12)}},
}


class _Index(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        body = PACKAGES.get(parts[-2]) if len(parts) >= 2 and parts[-1] == "json" else None
        if body is None:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def index_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Index)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / "app.py").write_text(
        "import requests\nimport fresh_retry_helper\nimport legacy_toolkit\nimport never_published_pkg\n\n"
        "def go(url):\n    return requests.get(url, timeout_seconds=3)\n")
    return tmp_path


def _findings(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, Any]]:
    assert main(argv) == 1
    return json.loads(capsys.readouterr().out)["findings"]


def test_online_adds_what_the_index_knows(project: Path, index_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    findings = _findings(capsys, ["check", str(project), "--select", "PG820", "--no-cache", "--no-progress",
                                  "--format", "json", "--online", index_url])
    by_module = {f["properties"]["module"]: f["properties"] for f in findings}
    assert set(by_module) == {"fresh_retry_helper", "legacy_toolkit", "never_published_pkg"}
    assert by_module["never_published_pkg"]["index"] == "absent"
    fresh = by_module["fresh_retry_helper"]
    assert fresh["index"] == "registered" and fresh["index_releases"] == "1" and fresh["index_lookalike"] == "true"
    legacy = by_module["legacy_toolkit"]
    assert legacy["index_releases"] == "12" and legacy["index_first_release"] == "2012-03-01"
    assert "index_lookalike" not in legacy


def test_offline_by_default_and_unreachable_index_is_not_fatal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offline = _findings(capsys, ["check", str(project), "--select", "PG820", "--no-cache", "--no-progress",
                                 "--format", "json"])
    assert len(offline) == 3 and all("index" not in f["properties"] for f in offline)
    unreachable = _findings(capsys, ["check", str(project), "--select", "PG820", "--no-cache", "--no-progress",
                                     "--format", "json", "--online", "http://127.0.0.1:9/pypi"])
    assert {f["properties"]["index"] for f in unreachable} == {"unreachable"}


def test_python_option_judges_against_that_interpreter(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    findings = _findings(capsys, ["check", str(project), "--select", "PG820,PG823", "--no-cache", "--no-progress",
                                  "--format", "json", "--python", sys.executable])
    assert sorted((f["rule"], f["line"]) for f in findings) == [
        ("PG820", 2), ("PG820", 3), ("PG820", 4), ("PG823", 7)]


def test_bad_python_is_a_one_line_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project), "--python", str(project / "nope"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("prodgate: error: --python") and len(err.strip().splitlines()) == 1
