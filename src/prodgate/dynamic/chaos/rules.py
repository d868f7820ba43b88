"""The rule codes of chaos findings (PG950-PG953), one metadata object each.

PG950 a fault escapes as a low-level library exception, PG951 a fault makes a test hang, PG952
a fault sets off a retry storm, PG953 an error answer is used as data and corrupts the result.
"""

from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta

UNHANDLED = RuleMeta("PG950", "fault-escapes-unhandled", "dynamic.fault-unhandled", Severity.HIGH, Confidence.HIGH,
                     (248, 755), "{exception} escapes {escaped_at} when the call at {site} meets {fault}",
                     tags=("chaos",))
HANG = RuleMeta("PG951", "hang-under-fault", "dynamic.hang", Severity.HIGH, Confidence.HIGH, (400, 1088),
                "the call at {site} under {fault} keeps {test} running past its deadline", tags=("chaos",))
STORM = RuleMeta("PG952", "retry-storm-under-fault", "resilience.retry", Severity.MEDIUM, Confidence.HIGH, (834, 400),
                 "under {fault} the call at {site} is retried beyond the budget or without backoff",
                 tags=("chaos",))
CORRUPT = RuleMeta("PG953", "error-answer-used-as-data", "resilience.unchecked-response", Severity.HIGH,
                   Confidence.MEDIUM, (252, 754),
                   "under {fault} the error answer of the call at {site} is used without a status check",
                   tags=("chaos",))

ALL = (UNHANDLED, HANG, STORM, CORRUPT)
