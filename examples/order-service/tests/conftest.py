"""A real payments and shipping API on loopback (one threaded HTTP server), and a SQLite file per test."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from order_service.service import OrderService


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.startswith("/quote"):
            self._answer(200, {"cents": 450})
        elif self.path.startswith("/payments/"):
            self._answer(200, {"id": self.path.split("/")[2], "status": "settled"})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/charges":
            self._answer(201, {"payment_id": "pay-123", "status": "captured"})
        elif self.path.endswith("/refund"):
            self._answer(200, {"status": "refunded"})
        else:
            self._answer(404, {"error": "not found"})

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def api_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def service(api_url: str, tmp_path: Path) -> OrderService:
    return OrderService(api_url, api_url, str(tmp_path / "orders.db"))
