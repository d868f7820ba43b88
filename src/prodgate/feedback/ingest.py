"""``prodgate incidents ingest``: read incident files, group them, map them to code, categories and the
static findings at their frames."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prodgate.api import check
from prodgate.core.config import Config
from prodgate.core.finding import Finding
from prodgate.feedback.coverage import RuleCoverage, rule_coverage
from prodgate.feedback.grouping import Group, Grouper
from prodgate.feedback.incident import Incident, Skipped
from prodgate.feedback.project import Project
from prodgate.feedback.sources import read_source


@dataclass(frozen=True)
class Ingested:
    groups: list[Group]  # the most frequent first
    skipped: list[Skipped]
    incidents: int
    coverage: dict[str, RuleCoverage]  # by group fingerprint; empty when static analysis was not run


def ingest(files: Sequence[Path], config: Config, *, findings: Sequence[Finding] | None = None,
           analyse: bool = True) -> Ingested:
    """Group the incidents of ``files`` against the project of ``config``.

    ``findings`` are the project's static findings (default: ``prodgate.api.check`` on the project
    root, run once); ``analyse=False`` leaves rule coverage out.
    """
    grouper = Grouper(Project(config))
    skipped: list[Skipped] = []
    count = 0
    for path in files:
        for item in read_source(path):
            if isinstance(item, Incident):
                grouper.add(item)
                count += 1
            else:
                skipped.append(item)
    groups = sorted(grouper.groups.values(), key=lambda g: (-g.count, g.fingerprint))
    coverage: dict[str, RuleCoverage] = {}
    if analyse and groups:
        found = findings if findings is not None else check([config.root], config).findings
        coverage = {group.fingerprint: rule_coverage(group, found) for group in groups}
    return Ingested(groups, skipped, count, coverage)
