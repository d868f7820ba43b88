"""The JSON report's contract: keys, values and order, exactly."""

from __future__ import annotations

import json
from collections.abc import Callable

from prodgate.core.result import RunResult
from prodgate.report import json_report

FINDING_KEYS = ["rule", "category", "severity", "confidence", "path", "line", "column", "end_line",
                "end_column", "message", "cwe", "fix", "fingerprint", "flow", "properties"]


def test_top_level_and_tool(run_result: RunResult) -> None:
    report = json.loads(json_report.render(run_result))
    assert list(report) == ["tool", "findings", "diagnostics", "summary"]
    assert report["tool"] == {"name": "prodgate", "version": "0.1.0"}


def test_findings_are_sorted_and_complete(run_result: RunResult) -> None:
    findings = json.loads(json_report.render(run_result))["findings"]
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [
        ("svc/cache.py", 4, "PG302"),
        ("svc/db.py", 24, "PG601"),
        ("svc/payments.py", 3, "PG720"),
        ("svc/payments.py", 6, "PG101"),
        ("svc/utils.py", 2, "PG850"),
        ("svc/utils.py", 9, "PG210"),
    ]
    assert all(list(f) == FINDING_KEYS for f in findings)
    payments = findings[3]
    assert payments == {
        "rule": "PG101",
        "category": "resilience.timeout",
        "severity": "high",
        "confidence": "high",
        "path": "svc/payments.py",
        "line": 6,
        "column": 12,
        "end_line": 6,
        "end_column": 44,
        "message": "`requests.post` has no timeout, so one unresponsive server blocks this worker forever",
        "cwe": [1088, 400],
        "fix": {"title": "Add `timeout=`", "applicability": "safe",
                "replacement": "requests.post(URL, json=payload, timeout=10)"},
        "fingerprint": run_result.findings[1].fingerprint,
        "flow": [],
        "properties": {},
    }
    assert len(payments["fingerprint"]) == 32


def test_flow_fix_without_replacement_and_properties(run_result: RunResult) -> None:
    findings = json.loads(json_report.render(run_result))["findings"]
    assert findings[1]["flow"] == [
        {"path": "svc/api.py", "line": 10, "column": 12, "message": "request data enters as `user_id`"},
        {"path": "svc/db.py", "line": 20, "column": 5, "message": "`user_id` is formatted into `query`"},
        {"path": "svc/db.py", "line": 24, "column": 5, "message": "`query` is executed"},
    ]
    assert findings[5]["fix"] == {"title": "Log the exception", "applicability": "display-only",
                                  "replacement": None}
    assert findings[0]["message"] == "cache `größe|size` grows 100%: unbounded,\nevict entries"
    assert findings[0]["properties"] == {"bytes": "100%", "name": "größe"}
    assert findings[0]["cwe"] == [770] and findings[5]["cwe"] == []


def test_diagnostics_sorted_by_path_and_line(run_result: RunResult) -> None:
    diagnostics = json.loads(json_report.render(run_result))["diagnostics"]
    assert [(d["path"], d["line"], d["kind"]) for d in diagnostics] == [
        ("assets/logo.py", 0, "binary"),
        ("data/huge.py", 0, "too-large"),
        ("legacy/latin.py", 0, "decode-error"),
        ("svc/broken.py", 3, "syntax-error"),
        ("svc/locked.py", 0, "unreadable"),
        ("svc/payments.py", 12, "suppression-without-reason"),
        ("svc/utils.py", 5, "unused-suppression"),
        ("svc/utils.py", 7, "unknown-rule-in-suppression"),
        ("svc/weird.py", 0, "internal-error"),
    ]
    assert diagnostics[3] == {"path": "svc/broken.py", "kind": "syntax-error",
                              "message": "invalid syntax (line 3, column 5)", "line": 3, "column": 5}


def test_summary(run_result: RunResult) -> None:
    assert json.loads(json_report.render(run_result))["summary"] == {
        "files": 12,
        "lines": 3456,
        "duration_seconds": 1.235,
        "findings": 6,
        "by_severity": {"critical": 1, "high": 2, "medium": 1, "low": 1, "info": 1},
        "by_category": {"ai.placeholder": 1, "errors.swallowed": 1, "memory.unbounded": 1,
                        "resilience.timeout": 1, "security.injection.sql": 1, "security.secrets": 1},
        "by_rule": {"PG101": 1, "PG210": 1, "PG302": 1, "PG601": 1, "PG720": 1, "PG850": 1},
        "unanalysed_files": 6,
        "cached_files": 4,
        "passed": False,
        "fail_on": "high",
    }


def test_output_is_deterministic_and_indented(run_result: RunResult, make_result: Callable[..., RunResult]) -> None:
    shuffled = make_result(findings=tuple(reversed(run_result.findings)),
                           diagnostics=tuple(reversed(run_result.diagnostics)))
    assert json_report.render(shuffled) == json_report.render(run_result)
    assert json_report.render(run_result).startswith('{\n  "tool": {\n    "name": "prodgate",')


def test_empty_run_passes(make_result: Callable[..., RunResult]) -> None:
    report = json.loads(json_report.render(make_result(findings=(), diagnostics=())))
    assert report["findings"] == [] and report["diagnostics"] == []
    assert report["summary"]["passed"] is True
    assert report["summary"]["by_severity"] == {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0}
