"""Incident ingestion: how many recorded incidents land on the right category and file, and how long
100,000 log lines take.

    .venv/bin/python benchmarks/bench_incidents.py

The incidents are the example shop service's real failures recorded under Python 3.10-3.13 by
``tests/feedback/incidents/generate.py`` (plain and JSON logs, crashes on stderr, Sentry events,
OpenTelemetry exports). The 100,000-line log repeats its plain and JSON log files with ordinary log
lines between them, and is ingested through the CLI with the ledger and the static analysis on,
as a user would run it. Goals: at least 90% mapped right, under 10 s.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from prodgate.cli.main import main
from prodgate.core.config import load_config
from prodgate.feedback.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
FEEDBACK = ROOT / "tests" / "feedback"
SERVICE = FEEDBACK / "example_service"
PROD = FEEDBACK / "incidents" / "prod"
LINES = 100_000


def accuracy() -> tuple[int, int]:
    expected = {(str(PROD / e["file"]), e["record"]): e
                for e in json.loads((PROD / "expected.json").read_text(encoding="utf-8"))}
    files = sorted(p for p in PROD.rglob("*") if p.is_file() and p.name != "expected.json")
    result = ingest(files, load_config(SERVICE), analyse=False)
    right = 0
    for group in result.groups:
        for source in group.sources:
            truth = expected[(source.file, source.record)]
            if group.spot and (group.category, group.spot.path) == (truth["category"], truth["path"]):
                right += 1
    return right, len(expected)


def big_log(target: Path) -> int:
    """A log of exactly LINES lines: the recorded logs again and again, with ordinary lines between."""
    records = [p.read_text(encoding="utf-8").splitlines() for p in sorted(PROD.rglob("*.log")) + sorted(PROD.rglob("*.jsonl"))]
    lines: list[str] = []
    turn = 0
    while len(lines) < LINES:
        lines.extend(records[turn % len(records)])
        lines.extend(f"2026-11-20 10:{turn % 60:02d}:00,000 INFO shop.http: GET /orders/{n} 200 12ms" for n in range(40))
        turn += 1
    del lines[LINES:]
    while lines[-1].startswith((" ", "Traceback")) or not lines[-1].strip():
        lines[-1] = "2026-11-20 11:00:00,000 INFO shop.http: GET /health 200 1ms"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main_benchmark() -> int:
    right, total = accuracy()
    share = right / total
    print(f"mapped to the right category and file: {right}/{total} incidents ({share:.1%}; goal >= 90%)")
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "service"
        shutil.copytree(SERVICE, project)
        log = Path(scratch) / "prod.log"
        count = big_log(log)
        database = f"sqlite:///{Path(scratch) / 'ledger.db'}"
        output = StringIO()
        started = time.perf_counter()
        with redirect_stdout(output):
            code = main(["incidents", "ingest", str(log), "--project", str(project), "--format", "json",
                         "--database", database])
        elapsed = time.perf_counter() - started
        summary = json.loads(output.getvalue())["summary"] if code == 0 else {}
    print(f"ingested {count:,} log lines ({summary.get('incidents', 0):,} incidents, {summary.get('groups', 0)} groups, "
          f"stored in a SQLite ledger, static analysis on) in {elapsed:.2f} s (goal < 10 s)")
    return 0 if code == 0 and share >= 0.9 and elapsed < 10 else 1


if __name__ == "__main__":
    sys.exit(main_benchmark())
