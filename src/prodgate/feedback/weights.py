"""Learned weights: categories that hurt production weigh more in the policy.

A category with ``high-after`` incidents in the last ``window-days`` days raises its findings to at
least high, with ``critical-after`` to critical, never above ``max-severity`` and never lowering a
finding. Each raised finding says why in its ``learned-severity`` property
("raised to high: 3 incidents in 30 days").

The gate calls ``raise_for_incidents(findings, config)`` before its policy judges the findings.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from prodgate.core.config import Config
from prodgate.core.finding import Finding, Properties, Severity
from prodgate.feedback.store import RecordedGroup, existing_ledger, recorded
from prodgate.governance.ledger import Ledger

PROPERTY = "learned-severity"


@dataclass(frozen=True, slots=True)
class Weight:
    """The least severity findings of ``category`` get, and why."""

    category: str
    severity: Severity
    incidents: int
    window_days: int
    rules: tuple[str, ...]  # the rules that caught incidents of this category

    @property
    def explanation(self) -> str:
        noun = "incident" if self.incidents == 1 else "incidents"
        return f"raised to {self.severity}: {self.incidents} {noun} in {self.window_days} days"


def learned_weights(groups: Sequence[RecordedGroup], settings: Mapping[str, Any]) -> dict[str, Weight]:
    """The weight of each category, from groups whose ``recent`` counts the incidents in the window."""
    if not settings.get("learn", True):
        return {}
    window = int(settings.get("window-days", 30))
    high_after = int(settings.get("high-after", 1))
    critical_after = int(settings.get("critical-after", 5))
    ceiling = settings.get("max-severity") or Severity.CRITICAL
    assert isinstance(ceiling, Severity)
    counts: Counter[str] = Counter()
    rules: dict[str, set[str]] = {}
    for group in groups:
        if group.recent:
            counts[group.category] += group.recent
            rules.setdefault(group.category, set()).update(group.caught_by)
    weights = {}
    for category, count in counts.items():
        if critical_after and count >= critical_after:
            floor = Severity.CRITICAL
        elif high_after and count >= high_after:
            floor = Severity.HIGH
        else:
            continue
        weights[category] = Weight(category, min(floor, ceiling), count, window, tuple(sorted(rules[category])))
    return weights


def apply_weights(findings: Sequence[Finding], weights: Mapping[str, Weight]) -> tuple[Finding, ...]:
    """``findings`` with the severity of those in weighted categories raised (never lowered)."""
    raised = []
    for finding in findings:
        weight = weights.get(finding.category)
        if weight is None or finding.severity >= weight.severity:
            raised.append(finding)
            continue
        properties = Properties({**finding.properties, PROPERTY: weight.explanation,
                                 "original-severity": str(finding.severity)})
        raised.append(dataclasses.replace(finding, severity=weight.severity, properties=properties))
    return tuple(raised)


def weights_for(config: Config, ledger: Ledger | None = None, now: datetime | None = None) -> dict[str, Weight]:
    """The project's weights from the incident groups in its ledger (none when it has no ledger yet)."""
    settings = config.section("feedback")
    if not settings.get("learn", True):
        return {}
    since = (now or datetime.now(timezone.utc)) - timedelta(days=int(settings.get("window-days", 30)))
    if ledger is not None:
        return learned_weights(recorded(ledger, since), settings)
    opened = existing_ledger(config)
    if opened is None:
        return {}
    with opened:
        return learned_weights(recorded(opened, since), settings)


def raise_for_incidents(findings: Sequence[Finding], config: Config) -> tuple[Finding, ...]:
    """The policy's entry point: ``findings`` weighed by the project's production incidents."""
    return apply_weights(findings, weights_for(config))
