"""Gate runs for the ledger tests, and the writer each process of the concurrency test runs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from multiprocessing.synchronize import Barrier
from pathlib import Path

from prodgate.core.finding import (
    Applicability,
    Confidence,
    Finding,
    Fix,
    FlowStep,
    Location,
    Properties,
    Severity,
)
from prodgate.governance.ledger import Ledger
from prodgate.governance.records import Attribution, Change, GateRun

STARTED = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=timezone.utc)


def realistic_run(verdict: str = "fail", worker: int = 0, sequence: int = 0) -> GateRun:
    """A pull request an assistant wrote most of: a risky payments change and a harmless docs change."""
    timeout = Finding(
        rule="PG101", category="resilience.timeout", severity=Severity.HIGH, confidence=Confidence.HIGH,
        path="payments/charge.py", line=42, column=16, end_line=42, end_column=61,
        message="`requests.post` in `charge_card` has no timeout, so a slow payment provider hangs the worker.",
        cwe=(400, 1088), fingerprint="5f0c1d9e8a7b6c5d4e3f2a1b0c9d8e7f",
        fix=Fix("Add `timeout=`", Applicability.UNSAFE, Location("payments/charge.py", 42, 16, 42, 61)))
    injection = Finding(
        rule="PG701", category="security.injection.sql", severity=Severity.CRITICAL, confidence=Confidence.MEDIUM,
        path="payments/refunds.py", line=18, column=9, end_line=19, end_column=40,
        message="SQL built from request data `refund_id` reaches `cursor.execute` in `refund`.",
        cwe=(89,), fingerprint="0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        flow=(FlowStep(Location("payments/refunds.py", 12, 17, 12, 44), "request data enters as `refund_id`"),
              FlowStep(Location("payments/refunds.py", 18, 9, 19, 40), "reaches `cursor.execute`")),
        properties=Properties({"source": "flask.request.args", "sink": "cursor.execute"}))
    secret = Finding(
        rule="PG740", category="security.secrets", severity=Severity.HIGH, confidence=Confidence.HIGH,
        path="payments/settings.py", line=3, column=1, end_line=3, end_column=52,
        message="A Stripe live key (sk_live_***) is committed in `STRIPE_KEY`.", cwe=(798,),
        fingerprint="ffeeddccbbaa99887766554433221100")
    return GateRun(
        base="3f2c9b8a7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a", head="9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
        version="0.1.0", config_hash="c0ffee00deadbeef", verdict=verdict,
        unmet=("high tier: PG701 critical finding at payments/refunds.py:18 (no findings at or above high)",
               "high tier: no human approval recorded (Reviewed-by: trailer or --approved-by)"),
        changes=(
            Change("payments/charge.py", "high", ("path matches payments/**", "content: payment provider call"),
                   Attribution("claude-code", 95, ("Co-authored-by: Claude <noreply@anthropic.com>",)),
                   (40, 41, 42, 43), 1.0),
            Change("payments/refunds.py", "high", ("content: SQL write",),
                   Attribution("copilot", 80, ("author: copilot-swe-agent[bot]",)), (12, 18, 19), 0.6667),
            Change("docs/README.md", "low", (), Attribution("human", 100, ("Reviewed-by: Grace Hopper",)), (1,), 0.0),
        ),
        findings=(timeout, injection, secret),
        approvals=("Grace Hopper <grace@example.com>",),
        started_at=STARTED + timedelta(seconds=sequence), duration=2.718281828,
        repository="acme/payments",
        properties={"branch": "feature/refunds", "commits": "3", "worker": str(worker), "sequence": str(sequence)})


def write_runs(url: str, root: str, worker: int, count: int, start: Barrier) -> None:
    """Wait for every writer, open the (fresh) ledger at the same moment as they do, record ``count`` runs."""
    start.wait()
    with Ledger.open(url, Path(root)) as ledger:
        for sequence in range(count):
            ledger.record(realistic_run(("pass", "warn", "fail")[sequence % 3], worker, sequence))
