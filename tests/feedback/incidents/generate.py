"""Regenerate the incident fixtures: run every failing scenario of the example shop service under each
installed Python (3.10-3.13) and record its real exception as production would (log lines, a crash on
stderr, JSON log lines, Sentry events, OpenTelemetry exports).

    .venv/bin/python tests/feedback/incidents/generate.py

Writes ``prod/`` and ``prod/expected.json`` (for each record: the scenario, the interpreter, and the
category, file and function the failure belongs to). The service runs from a temporary copy whose
path is rewritten to ``/srv/shop-service`` (the virtualenv's to ``/opt/venv``, the runner's to
``/opt/shop-worker``), as in a deployment.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVICE = HERE.parent / "example_service"
OUTPUT = HERE / "prod"
DEPLOYED = "/srv/shop-service"
VENV_DEPLOYED = "/opt/venv"
TOOLS_DEPLOYED = "/opt/shop-worker"
INTERPRETERS = {
    "3.10": "/root/.pyenv/versions/3.10.13/bin/python3.10",
    "3.11": "/root/.pyenv/versions/3.11.7/bin/python3.11",
    "3.12": "/root/.pyenv/versions/3.12.1/bin/python3.12",
    "3.13": "/root/.pyenv/versions/3.13.0/bin/python3.13",
}
FORMATS = ("log", "stderr", "jsonl", "sentry", "otel")
# scenario -> (category, file, function) where the failure should be fixed
EXPECTED = {
    "timeout_urlopen": ("resilience.timeout", "shop/clients.py", "fetch_rates"),
    "profile_chained": ("resilience.timeout", "shop/clients.py", "get_profile"),
    "retry_refused": ("resilience.retry", "shop/clients.py", "send_with_retry"),
    "unchecked_json": ("resilience.unchecked-response", "shop/clients.py", "fetch_inventory"),
    "webhook_duplicate": ("data.idempotency", "shop/webhooks.py", "handle_payment_webhook"),
    "order_keyerror": ("security.input-validation", "shop/api.py", "create_order"),
    "page_valueerror": ("security.input-validation", "shop/api.py", "list_orders"),
    "zero_division": ("dynamic.crash", "shop/reports.py", "average_order_value"),
    "recursion": ("dynamic.crash", "shop/reports.py", "category_depth"),
    "index_error": ("dynamic.crash", "shop/reports.py", "top_product"),
    "memory": ("memory.unbounded", "shop/reports.py", "load_all_rows"),
    "db_locked": ("concurrency.race", "shop/storage.py", "increment_counter"),
    "unpickle": ("security.deserialization", "shop/sessions.py", "restore_session"),
    "too_many_files": ("resource.leak", "shop/exports.py", "export_reports"),
    "hallucinated_api": ("ai.hallucinated-api", "shop/api.py", "parse_body"),
    "placeholder": ("ai.placeholder", "shop/payments.py", "refund"),
    "taskgroup": ("dynamic.crash", "shop/jobs.py", "score_item"),
    "requests_read_timeout": ("resilience.timeout", "shop/clients.py", "fetch_rates_requests"),
    "requests_json": ("resilience.unchecked-response", "shop/clients.py", "fetch_stock"),
    # Added after the failure-class table was written, to measure it on failures it was not tuned for.
    "upload_decode": ("security.input-validation", "shop/imports.py", "import_upload"),
    "convert_timeout": ("resilience.timeout", "shop/imports.py", "convert_document"),
    "json_body": ("security.input-validation", "shop/api.py", "handle_json_body"),
    "quotes_wait_for": ("resilience.timeout", "shop/clients.py", "fetch_quotes"),
    "notify_refused": ("dynamic.fault-unhandled", "shop/clients.py", "notify_warehouse"),
    "status_http_error": ("dynamic.fault-unhandled", "shop/clients.py", "check_payment_status"),
}
NEEDS_REQUESTS = frozenset({"requests_read_timeout", "requests_json", "notify_refused", "status_http_error"})
NEEDS_311 = frozenset({"taskgroup"})


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def _record(python: str, interpreter: str, scenario: str, form: str, out: Path, app: Path, tools: Path) -> dict[str, object]:
    """Run one scenario, append or write its record, and say where the record is."""
    names = {"log": "service.log", "stderr": "crash.log", "jsonl": "service.jsonl",
             "sentry": f"events/{scenario}.json", "otel": f"otel/{scenario}.json"}
    target = out / names[form]
    target.parent.mkdir(parents=True, exist_ok=True)
    before = _lines(target)
    process = subprocess.run([interpreter, str(tools / "runner.py"), scenario, form, str(target), str(app)],
                             cwd=app, env={"PYTHONPATH": str(app), "PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=120)
    if form == "stderr":
        if process.returncode == 0:
            raise SystemExit(f"{scenario} under {python} did not crash")
        with target.open("a", encoding="utf-8") as handle:
            handle.write(process.stderr)
    elif process.returncode != 0:
        raise SystemExit(f"{scenario} under {python} failed to record:\n{process.stderr}")
    record: int | str = before + (1 if form == "jsonl" else 2)
    if form == "sentry":
        record = target.name
    elif form == "otel":
        record = f"{target.name}#0.0"
    category, path, function = EXPECTED[scenario]
    return {"file": f"py{python}/{names[form]}", "record": record, "scenario": scenario, "python": python,
            "format": form, "category": category, "path": path, "function": function}


def _run_interpreter(index: int, python: str, interpreter: str, app: Path, tools: Path) -> list[dict[str, object]]:
    out = OUTPUT / f"py{python}"
    records = []
    for number, scenario in enumerate(EXPECTED):
        if scenario in NEEDS_REQUESTS and python != "venv":
            continue
        if scenario in NEEDS_311 and python == "3.10":
            continue
        records.append(_record(python, interpreter, scenario, FORMATS[(index + number) % len(FORMATS)], out, app, tools))
    return records


def _deploy_paths(app: Path, tools: Path) -> None:
    prefix = str(Path(sys.prefix))
    for path in OUTPUT.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(str(app), DEPLOYED).replace(prefix, VENV_DEPLOYED)
                            .replace(str(tools), TOOLS_DEPLOYED), encoding="utf-8")


def main() -> None:
    shutil.rmtree(OUTPUT, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        app = Path(scratch) / "app"
        tools = Path(scratch) / "tools"
        shutil.copytree(SERVICE / "shop", app / "shop")
        tools.mkdir()
        shutil.copy(HERE / "runner.py", tools / "runner.py")
        runs = {**INTERPRETERS, "venv": sys.executable}
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            jobs = [pool.submit(_run_interpreter, index, python, interpreter, app, tools)
                    for index, (python, interpreter) in enumerate(runs.items())]
            records = [record for job in jobs for record in job.result()]
        _deploy_paths(app, tools)
    (OUTPUT / "expected.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    print(f"{len(records)} incidents written to {OUTPUT}")


if __name__ == "__main__":
    main()
