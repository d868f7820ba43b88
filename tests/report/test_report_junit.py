"""JUnit XML: parses, one case per rule and per unanalysed file, counts that add up."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace

from prodgate.core.result import RunResult
from prodgate.report import junit


def _suite(result: RunResult) -> ET.Element:
    output = junit.render(result)
    assert output.startswith("<?xml version='1.0' encoding='utf-8'?>\n")
    return ET.fromstring(output.encode("utf-8"))


def test_suite_counts(run_result: RunResult) -> None:
    suite = _suite(run_result)
    assert suite.tag == "testsuite"
    assert dict(suite.attrib) == {"name": "prodgate", "tests": "13", "failures": "6", "errors": "6",
                                  "skipped": "0", "time": "1.235"}
    cases = suite.findall("testcase")
    assert len(cases) == 13
    assert sum(1 for c in cases if c.find("failure") is not None) == 6
    assert sum(1 for c in cases if c.find("error") is not None) == 6


def test_one_case_per_rule_in_code_order(run_result: RunResult) -> None:
    cases = _suite(run_result).findall("testcase")
    assert [(c.get("classname"), c.get("name"), len(c.findall("failure"))) for c in cases[:7]] == [
        ("prodgate.resilience.timeout", "PG101 http-call-without-timeout", 1),
        ("prodgate.errors.swallowed", "PG210 exception-swallowed", 1),
        ("prodgate.memory.unbounded", "PG302 module-cache-without-eviction", 1),
        ("prodgate.concurrency.async-blocking", "PG420 blocking-call-in-async-function", 0),
        ("prodgate.security.injection.sql", "PG601 tainted-sql-query", 1),
        ("prodgate.security.secrets", "PG720 hardcoded-secret", 1),
        ("prodgate.ai.placeholder", "PG850 placeholder-left-in-code", 1),
    ]


def test_failure_carries_location_message_and_severity(run_result: RunResult) -> None:
    failure = _suite(run_result).findall("testcase")[2].find("failure")
    assert failure is not None
    assert failure.get("message") == "svc/cache.py:4 cache `größe|size` grows 100%: unbounded,\nevict entries"
    assert failure.get("type") == "medium"
    assert failure.text == (f"svc/cache.py:4:1\ncategory: memory.unbounded, confidence: medium\ncwe: CWE-770\n"
                            f"fingerprint: {run_result.findings[0].fingerprint}")


def test_unanalysed_files_are_errors(run_result: RunResult) -> None:
    cases = _suite(run_result).findall("testcase")[7:]
    assert [(c.get("classname"), c.get("name"), [e.get("type") for e in c.iter("error")]) for c in cases] == [
        ("prodgate.unanalysed", "assets/logo.py", ["binary"]),
        ("prodgate.unanalysed", "data/huge.py", ["too-large"]),
        ("prodgate.unanalysed", "legacy/latin.py", ["decode-error"]),
        ("prodgate.unanalysed", "svc/broken.py", ["syntax-error"]),
        ("prodgate.unanalysed", "svc/locked.py", ["unreadable"]),
        ("prodgate.unanalysed", "svc/weird.py", ["internal-error"]),
    ]
    assert [(e.get("message"), e.text) for e in cases[3].iter("error")] == [
        ("invalid syntax (line 3, column 5)", "svc/broken.py:3"),
    ]


def test_several_findings_of_one_rule_fail_one_case(run_result: RunResult,
                                                   make_result: Callable[..., RunResult]) -> None:
    first = run_result.findings[1]
    findings = (first, replace(first, line=9, fingerprint="9" * 32), replace(first, message="bad \x00 byte"))
    suite = _suite(make_result(findings=findings, diagnostics=()))
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("7", "1", "0")
    failures = suite.findall("testcase")[0].findall("failure")
    assert [f.get("message") for f in failures] == [
        "svc/payments.py:6 `requests.post` has no timeout, so one unresponsive server blocks this worker forever",
        "svc/payments.py:6 bad ? byte",
        "svc/payments.py:9 `requests.post` has no timeout, so one unresponsive server blocks this worker forever",
    ]
