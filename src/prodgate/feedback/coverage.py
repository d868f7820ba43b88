"""Which incident groups prodgate's static rules would have caught: findings of the group's category in
the functions its project frames ran in (or within a few lines of them), and which no rule covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prodgate.core.finding import Finding
from prodgate.feedback.grouping import Group
from prodgate.feedback.project import Spot

NEAR_LINES = 3


@dataclass(frozen=True, slots=True)
class RuleCoverage:
    """The findings at a group's frames: those of its category (it was caught) and the others."""

    caught: tuple[Finding, ...]
    nearby: tuple[Finding, ...]

    @property
    def is_gap(self) -> bool:
        return not self.caught


def _at(finding: Finding, spot: Spot) -> bool:
    if finding.path != spot.path:
        return False
    inside = spot.function != "<module>" and spot.start <= finding.line <= spot.end
    return inside or abs(finding.line - spot.line) <= NEAR_LINES


def rule_coverage(group: Group, findings: Sequence[Finding]) -> RuleCoverage:
    spots = group.frames or ((group.spot,) if group.spot else ())
    near = [f for f in findings if any(_at(f, spot) for spot in spots)]
    caught = tuple(f for f in near if f.category == group.category)
    return RuleCoverage(caught, tuple(f for f in near if f.category != group.category))
