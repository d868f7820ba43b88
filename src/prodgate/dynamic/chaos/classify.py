"""From one test's outcome under one fault to verdicts: handled, unhandled, hung, storm, corrupt.

* **hung**: the test ran past its deadline.
* **storm** (alongside another verdict): the faulted site was called more than
  ``(1 + max_retries)`` times the number of calls the test makes without the fault, or retried
  at least twice with no pause reaching ``min_backoff``.
* **handled**: the test passed, or failed its own assertion on a fallback value, or the project
  raised its own error.
* **corrupt**: the fault was an error answer (5xx, 429) whose body project code read without
  checking the status, and the test then failed (an assertion or an implicit crash on the value).
* **unhandled**: a library exception escaped, or project code crashed implicitly on the fault.
* **not-reached**: the fault was never injected (the test took another path).
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from prodgate.dynamic.chaos.faults import FAULTS
from prodgate.dynamic.chaos.plan import Budget


class Verdict(enum.Enum):
    HANDLED = "handled"
    UNHANDLED = "unhandled"
    HUNG = "hung"
    STORM = "storm"
    CORRUPT = "corrupt"
    NOT_REACHED = "not-reached"


def storm(injections: Sequence[float], baseline_calls: int, budget: Budget) -> str | None:
    """Why the attempts at a site form a retry storm, or None."""
    attempts, logical = len(injections), max(baseline_calls, 1)
    if attempts > logical * (1 + budget.max_retries):
        return f"{attempts} attempts where the budget allows {logical * (1 + budget.max_retries)}"
    retries = attempts - logical
    gaps = [later - earlier for earlier, later in itertools.pairwise(injections)]
    if retries >= 2 and gaps and max(gaps) < budget.min_backoff:
        return f"{attempts} attempts with no pause of {budget.min_backoff:g}s or more between them"
    return None


def judge(fault: str, test: Mapping[str, Any], baseline_calls: int, budget: Budget) -> tuple[Verdict, ...]:
    """The verdicts for one test's entry of a fault run (``plugin.ChaosSession.payload``)."""
    injections = test.get("injections") or []
    if not injections and not test.get("hung"):
        return (Verdict.NOT_REACHED,)
    exception = test.get("exception") or {}
    kind = exception.get("kind")
    extra = (Verdict.STORM,) if storm(injections, baseline_calls, budget) else ()
    if test.get("hung") or kind == "deadline":
        return (Verdict.HUNG, *extra)
    if test.get("outcome") != "failed":
        return (Verdict.HANDLED, *extra)
    used_error_body = FAULTS[fault].error_response and test.get("unchecked_read")
    if used_error_body and kind in ("assertion", "project-crash"):
        return (Verdict.CORRUPT, *extra)
    if kind in ("library", "project-crash"):
        return (Verdict.UNHANDLED, *extra)
    return (Verdict.HANDLED, *extra)
