"""Run one failing scenario of the example shop service and record its real exception.

Used by ``generate.py``: ``python runner.py SCENARIO FORMAT OUTPUT`` with the service on ``sys.path``.
FORMAT is ``log`` (``logging.exception`` lines appended to OUTPUT), ``stderr`` (the exception escapes,
the interpreter prints it), ``jsonl`` (a JSON log line with ``exc_info``), ``sentry`` (a Sentry event
written to OUTPUT) or ``otel`` (an OTLP JSON export with an exception span event).
"""

import asyncio
import base64
import contextlib
import http.server
import json
import logging
import os
import resource
import socket
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from datetime import datetime, timezone

from shop import (
    api,
    clients,
    exports,
    imports,
    jobs,
    payments,
    reports,
    sessions,
    storage,
    webhooks,
)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith(("/rates", "/profiles")):
            time.sleep(1)
        body = b"<html><body>Service Unavailable</body></html>"
        self.send_response(503 if self.path.startswith("/payments") else 200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args):
        pass


def server_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def locked_database():
    path = os.path.join(tempfile.mkdtemp(), "counters.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO counters VALUES ('orders', 0)")
    storage.increment_counter(path, "orders")


def duplicate_webhook():
    connection = webhooks.open_store(os.path.join(tempfile.mkdtemp(), "payments.db"))
    event = {"id": "evt_1NxA2b", "amount": 4200}
    webhooks.handle_payment_webhook(connection, event)
    webhooks.handle_payment_webhook(connection, event)


def too_many_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
    try:
        exports.export_reports(tempfile.mkdtemp(), [f"report-{n}" for n in range(200)])
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


SCENARIOS = {
    "timeout_urlopen": lambda: clients.fetch_rates(server_url()),
    "profile_chained": lambda: clients.get_profile(server_url(), 7),
    "retry_refused": lambda: clients.send_with_retry("127.0.0.1", closed_port(), b"order"),
    "unchecked_json": lambda: clients.fetch_inventory(server_url()),
    "webhook_duplicate": duplicate_webhook,
    "order_keyerror": lambda: api.create_order({"sku": "A-1"}),
    "page_valueerror": lambda: api.list_orders({"page": "2; DROP TABLE orders"}),
    "zero_division": lambda: reports.average_order_value([]),
    "recursion": lambda: reports.category_depth({"shoes": "sale", "sale": "shoes"}, "shoes"),
    "index_error": lambda: reports.top_product([]),
    "memory": lambda: reports.load_all_rows(2 ** 50),
    "db_locked": locked_database,
    "unpickle": lambda: sessions.restore_session(base64.b64encode(b"not a pickle")),
    "too_many_files": too_many_files,
    "hallucinated_api": lambda: api.parse_body('{"sku": "A-1"}'),
    "placeholder": lambda: payments.refund(1042, 5),
    "taskgroup": lambda: asyncio.run(jobs.run_batch([{"revenue": 3, "visits": 1}, {"revenue": 1, "visits": 0}])),
    "requests_read_timeout": lambda: clients.fetch_rates_requests(server_url()),
    "requests_json": lambda: clients.fetch_stock(server_url()),
    "upload_decode": lambda: imports.import_upload("prix;quantité\n".encode("latin-1")),
    "convert_timeout": lambda: imports.convert_document("/tmp/invoice.docx"),
    "json_body": lambda: api.handle_json_body(b"sku=A-1&quantity=2"),
    "quotes_wait_for": lambda: asyncio.run(clients.fetch_quotes()),
    "notify_refused": lambda: clients.notify_warehouse(f"http://127.0.0.1:{closed_port()}", 1042),
    "status_http_error": lambda: clients.check_payment_status(server_url(), "pay_404"),
}


def chain_of(exc):
    found = []
    while exc is not None:
        found.append(exc)
        exc = exc.__cause__ if exc.__cause__ is not None else (None if exc.__suppress_context__ else exc.__context__)
    return list(reversed(found))


def sentry_frame(entry, app_root):
    in_app = entry.filename.startswith(app_root) and "site-packages" not in entry.filename
    return {"filename": os.path.relpath(entry.filename, app_root) if in_app else entry.filename,
            "abs_path": entry.filename, "function": entry.name, "lineno": entry.lineno,
            "context_line": entry.line or "", "in_app": in_app}


def sentry_values(exc, app_root):
    """The event's exception values as sentry_sdk flattens them: the chain, then each group's members
    with ``mechanism.parent_id`` naming their group's ``exception_id``."""
    values: list[dict] = []

    def add(error, parent):
        mechanism = {"type": "logging", "handled": False, "exception_id": len(values)}
        if parent is not None:
            mechanism["parent_id"] = parent
        members = getattr(error, "exceptions", None) if type(error).__name__.endswith("ExceptionGroup") else None
        if members is not None:
            mechanism["is_exception_group"] = True
        values.append({"type": type(error).__name__, "module": type(error).__module__, "value": str(error),
                       "mechanism": mechanism,
                       "stacktrace": {"frames": [sentry_frame(f, app_root)
                                                 for f in traceback.extract_tb(error.__traceback__)]}})
        own = mechanism["exception_id"]
        for member in members or ():
            add(member, own)

    for error in chain_of(exc):
        add(error, None)
    return values


def sentry_event(exc, app_root):
    return {"event_id": os.urandom(16).hex(), "timestamp": time.time(), "platform": "python", "level": "error",
            "logger": "shop", "transaction": SCENARIO, "server_name": "shop-web-1",
            "exception": {"values": sentry_values(exc, app_root)}}


def otlp_export(exc):
    now = str(time.time_ns())
    attributes = [{"key": "exception.type", "value": {"stringValue": type(exc).__qualname__}},
                  {"key": "exception.message", "value": {"stringValue": str(exc)}},
                  {"key": "exception.stacktrace", "value": {"stringValue": "".join(traceback.format_exception(
                      type(exc), exc, exc.__traceback__))}},
                  {"key": "exception.escaped", "value": {"boolValue": True}}]
    span = {"traceId": os.urandom(16).hex(), "spanId": os.urandom(8).hex(), "name": SCENARIO, "kind": 2,
            "startTimeUnixNano": now, "endTimeUnixNano": now, "status": {"code": 2},
            "events": [{"timeUnixNano": now, "name": "exception", "attributes": attributes}]}
    return {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop"}}]},
                               "scopeSpans": [{"scope": {"name": "shop.handlers"}, "spans": [span]}]}]}


def main():
    global SCENARIO
    SCENARIO, form, output, app_root = sys.argv[1:5]
    run = SCENARIOS[SCENARIO]
    if form == "stderr":
        print(f"{datetime.now(timezone.utc).isoformat()} worker {os.getpid()} crashed running {SCENARIO}:",
              file=sys.stderr, flush=True)
        run()
        return
    try:
        run()
    except BaseException as exc:
        if form == "log":
            logging.basicConfig(filename=output, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
            logging.getLogger("shop").exception("unhandled error in %s", SCENARIO)
        elif form == "jsonl":
            record = {"timestamp": datetime.now(timezone.utc).isoformat(), "level": "error", "logger": "shop",
                      "message": f"unhandled error in {SCENARIO}", "exc_info": traceback.format_exc()}
            with open(output, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")
        elif form == "sentry":
            with open(output, "w", encoding="utf-8") as handle:
                json.dump(sentry_event(exc, app_root), handle, indent=1)
        else:
            with open(output, "w", encoding="utf-8") as handle:
                json.dump(otlp_export(exc), handle, indent=1)
        return
    raise SystemExit(f"scenario {SCENARIO} did not fail")


SCENARIO = ""
if __name__ == "__main__":
    main()
