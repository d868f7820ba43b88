"""One hand-built RunResult every reporter test renders: several files, every severity, a taint
flow, a fix, a message full of characters formats must escape, and every diagnostic kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from prodgate.core.finding import (
    Applicability,
    Confidence,
    Diagnostic,
    Finding,
    Fix,
    FlowStep,
    Location,
    Properties,
    Severity,
)
from prodgate.core.fingerprint import fingerprint
from prodgate.core.result import RunResult
from prodgate.core.rule import RuleMeta

SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"
ODD_MESSAGE = "cache `größe|size` grows 100%: unbounded,\nevict entries"

RULES = (
    RuleMeta("PG101", "http-call-without-timeout", "resilience.timeout", Severity.HIGH, Confidence.HIGH,
             (1088, 400), "`{call}` has no timeout, so one unresponsive server blocks this worker forever"),
    RuleMeta("PG210", "exception-swallowed", "errors.swallowed", Severity.LOW, Confidence.LOW,
             (), "the exception is dropped, so failures in `{function}` go unseen"),
    RuleMeta("PG302", "module-cache-without-eviction", "memory.unbounded", Severity.MEDIUM,
             Confidence.MEDIUM, (770,), "cache `{name}` grows without bound"),
    RuleMeta("PG420", "blocking-call-in-async-function", "concurrency.async-blocking", Severity.HIGH,
             Confidence.HIGH, (), "`{call}` blocks the event loop"),
    RuleMeta("PG601", "tainted-sql-query", "security.injection.sql", Severity.HIGH, Confidence.MEDIUM,
             (89,), "request data reaches the SQL string of `{call}`", tags=("taint",)),
    RuleMeta("PG720", "hardcoded-secret", "security.secrets", Severity.CRITICAL, Confidence.HIGH,
             (798,), "a credential is assigned to `{name}` in source code"),
    RuleMeta("PG850", "placeholder-left-in-code", "ai.placeholder", Severity.INFO, Confidence.HIGH,
             (1164,), "placeholder `{text}` left in a production path"),
)

PAYMENTS_FIX = Fix(
    "Add `timeout=`",
    Applicability.SAFE,
    Location("svc/payments.py", 6, 12, 6, 44),
    'requests.post(URL, json=payload, timeout=10)',
)

SQL_FLOW = (
    FlowStep(Location("svc/api.py", 10, 12, 10, 28), "request data enters as `user_id`"),
    FlowStep(Location("svc/db.py", 20, 5, 20, 40), "`user_id` is formatted into `query`"),
    FlowStep(Location("svc/db.py", 24, 5, 24, 25), "`query` is executed"),
)


def _finding(rule: str, category: str, severity: Severity, confidence: Confidence, path: str,
             span: tuple[int, int, int, int], message: str, cwe: tuple[int, ...], **extra: Any) -> Finding:
    line, column, end_line, end_column = span
    return Finding(rule, category, severity, confidence, path, line, column, end_line, end_column, message,
                   cwe, fingerprint(rule, path, "svc", f"line {line}", 0), **extra)


FINDINGS = (
    _finding("PG302", "memory.unbounded", Severity.MEDIUM, Confidence.MEDIUM, "svc/cache.py", (4, 1, 4, 13),
             ODD_MESSAGE, (770,), properties=Properties({"name": "größe", "bytes": "100%"})),
    _finding("PG101", "resilience.timeout", Severity.HIGH, Confidence.HIGH, "svc/payments.py", (6, 12, 6, 44),
             "`requests.post` has no timeout, so one unresponsive server blocks this worker forever",
             (1088, 400), fix=PAYMENTS_FIX),
    _finding("PG720", "security.secrets", Severity.CRITICAL, Confidence.HIGH, "svc/payments.py", (3, 1, 3, 41),
             "a credential is assigned to `API_KEY` in source code", (798,)),
    _finding("PG601", "security.injection.sql", Severity.HIGH, Confidence.MEDIUM, "svc/db.py", (24, 5, 24, 25),
             "request data reaches the SQL string of `cursor.execute`", (89,), flow=SQL_FLOW),
    _finding("PG210", "errors.swallowed", Severity.LOW, Confidence.LOW, "svc/utils.py", (9, 2, 10, 13),
             "the exception is dropped, so failures in `load` go unseen", (),
             fix=Fix("Log the exception", Applicability.DISPLAY_ONLY)),
    _finding("PG850", "ai.placeholder", Severity.INFO, Confidence.HIGH, "svc/utils.py", (2, 3, 2, 7),
             "placeholder `TODO` left in a production path", (1164,)),
)

DIAGNOSTICS = (
    Diagnostic("svc/broken.py", "syntax-error", "invalid syntax (line 3, column 5)", 3, 5),
    Diagnostic("assets/logo.py", "binary", "file is binary"),
    Diagnostic("legacy/latin.py", "decode-error", "not valid UTF-8 at byte 120"),
    Diagnostic("data/huge.py", "too-large", "file is larger than 5 MB"),
    Diagnostic("svc/locked.py", "unreadable", "permission denied"),
    Diagnostic("svc/weird.py", "internal-error", "RecursionError while walking the tree"),
    Diagnostic("svc/payments.py", "suppression-without-reason", "suppression of PG101 gives no reason", 12, 30),
    Diagnostic("svc/utils.py", "unused-suppression", "suppression of PG302 suppresses nothing", 5, 20),
    Diagnostic("svc/utils.py", "unknown-rule-in-suppression", "PG999 is not a rule", 7, 20),
)


SECRET = "sk_live_4f9a8b7c6d5e4f3a2b1c"
SOURCES = {
    "svc/payments.py": f'import requests\n\nAPI_KEY = "{SECRET}"\n\ndef charge(payload):\n'
                       "    return requests.post(URL, json=payload)\n",
    "svc/cache.py": "import functools\n\n\nCACHE = {}\n",
    "svc/utils.py": "import os\n# TODO: wire the real loader\n\n\ndef load():\n    try:\n"
                    "        return os.environ['LOADER']\n    except KeyError:\n\tgröße = 'x'; pass\n"
                    "        return None\n",
}


def write_sources(root: Path) -> Path:
    for path, text in SOURCES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def build_result(root: str = "/srv/app", findings: tuple[Finding, ...] = FINDINGS,
                 diagnostics: tuple[Diagnostic, ...] = DIAGNOSTICS) -> RunResult:
    return RunResult(command="check", root=root, findings=findings, diagnostics=diagnostics, rules=RULES,
                     files=12, lines=3456, duration=1.23456, fail_on=Severity.HIGH, cached_files=4,
                     version="0.1.0")


@pytest.fixture
def run_result() -> RunResult:
    return build_result()


@pytest.fixture
def source_root(tmp_path: Path) -> Path:
    """A scan root holding the files the fixture's findings point at (svc/db.py is missing)."""
    return write_sources(tmp_path)


@pytest.fixture
def make_result() -> Callable[..., RunResult]:
    return build_result


@pytest.fixture
def sarif_schema_path() -> Path:
    return SCHEMA
