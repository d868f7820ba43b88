"""Verdicts from test outcomes under a fault, and when retries are a storm."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodgate.dynamic.chaos.classify import Verdict, judge, storm
from prodgate.dynamic.chaos.plan import Budget

BUDGET = Budget(max_retries=3, min_backoff=0.05)


def entry(outcome: str = "failed", kind: str | None = None, injections: tuple[float, ...] = (1.0,),
          unchecked: bool = False, hung: bool = False) -> dict[str, Any]:
    return {"outcome": outcome, "exception": {"kind": kind} if kind else None, "injections": list(injections),
            "unchecked_read": unchecked, "hung": hung}


@pytest.mark.parametrize(("fault", "test", "verdicts"), [
    ("connect-timeout", entry("passed"), (Verdict.HANDLED,)),
    ("connect-timeout", entry(kind="library"), (Verdict.UNHANDLED,)),
    ("connect-timeout", entry(kind="domain"), (Verdict.HANDLED,)),
    ("connect-timeout", entry(kind="assertion"), (Verdict.HANDLED,)),
    ("connect-timeout", entry(kind="project-crash"), (Verdict.UNHANDLED,)),
    ("slow-response", entry(kind="deadline", hung=True), (Verdict.HUNG,)),
    ("http-500", entry(kind="assertion", unchecked=True), (Verdict.CORRUPT,)),
    ("http-500", entry(kind="project-crash", unchecked=True), (Verdict.CORRUPT,)),
    ("http-500", entry(kind="assertion"), (Verdict.HANDLED,)),
    ("malformed-json", entry(kind="assertion", unchecked=True), (Verdict.HANDLED,)),
    ("http-503", entry(kind="library", unchecked=True), (Verdict.UNHANDLED,)),
    ("http-500", entry("passed", injections=()), (Verdict.NOT_REACHED,)),
    ("connect-timeout", entry(kind="domain", injections=tuple(i * 0.001 for i in range(10))), (Verdict.HANDLED, Verdict.STORM)),
])
def test_judge(fault: str, test: dict[str, Any], verdicts: tuple[Verdict, ...]) -> None:
    assert judge(fault, test, 1, BUDGET) == verdicts


def test_retries_with_backoff_within_the_budget_are_no_storm() -> None:
    assert storm([0.0, 0.0, 0.1, 0.3], 1, BUDGET) is None


def test_retries_without_a_pause_are_a_storm() -> None:
    assert "no pause" in (storm([0.0, 0.01, 0.02], 1, BUDGET) or "")


def test_more_attempts_than_the_budget_is_a_storm() -> None:
    assert "budget allows 4" in (storm([0.0, 1.0, 2.0, 3.0, 4.0], 1, BUDGET) or "")


def test_the_budget_scales_with_the_calls_the_test_makes_anyway() -> None:
    assert storm([float(i) for i in range(8)], 2, BUDGET) is None


@given(st.integers(1, 5), st.lists(st.floats(0, 100, allow_nan=False), max_size=5))
def test_no_more_attempts_than_without_the_fault_is_never_a_storm(baseline: int, times: list[float]) -> None:
    attempts = sorted(times)[:baseline]
    assert storm(attempts, baseline, BUDGET) is None
