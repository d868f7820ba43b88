"""Shared reporter helpers: levels, verdict wording and secret masking."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prodgate.core.finding import Severity
from prodgate.core.result import RunResult
from prodgate.report.common import level, mask_secret_line, mask_strings, verdict


@pytest.mark.parametrize(("severity", "expected"), [
    (Severity.CRITICAL, "error"), (Severity.HIGH, "error"), (Severity.MEDIUM, "warning"),
    (Severity.LOW, "note"), (Severity.INFO, "note"),
])
def test_level(severity: Severity, expected: str) -> None:
    assert level(severity) == expected


def test_verdicts(run_result: RunResult, make_result: Callable[..., RunResult]) -> None:
    assert verdict(run_result) == "failed: 3 findings at or above high, 6 files not analysed"
    assert verdict(make_result(diagnostics=())) == "failed: 3 findings at or above high"
    assert verdict(make_result(findings=())) == "failed: 6 files not analysed"
    assert verdict(make_result(findings=run_result.findings[:1], diagnostics=())) == "passed"
    high = make_result(findings=run_result.findings[1:2], diagnostics=run_result.diagnostics[:1])
    assert verdict(high) == "failed: 1 finding at or above high, 1 file not analysed"


@pytest.mark.parametrize(("line", "masked"), [
    ('KEY = "abc"', 'KEY = "***"'),
    ("KEY = 'abc' + 'd\\'e'", "KEY = '***' + '***'"),
    ('KEY = """abc', 'KEY = """***'),
    ('a = "" if x else f"{y}"', 'a = "" if x else f"***"'),
    ("no strings here", "no strings here"),
])
def test_mask_strings(line: str, masked: str) -> None:
    assert mask_strings(line).text == masked


def test_masked_columns_follow_the_code() -> None:
    masked = mask_strings('x = f("secret", y)')
    assert masked.text == 'x = f("***", y)'
    # columns before, inside, at the end of and after the string
    assert [masked.column(c) for c in (5, 7, 9, 13, 14, 17)] == [5, 7, 9, 10, 11, 14]


def test_secret_line_without_quotes_is_masked_whole() -> None:
    assert mask_secret_line("    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC").text == "    ***"
    assert mask_secret_line("   ").text == "   "
