"""The outcome of one analysis run, as every reporter receives it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prodgate import __version__
from prodgate.core.finding import Diagnostic, Finding, Severity
from prodgate.core.rule import RuleMeta

TOOL_NAME = "prodgate"
TOOL_URI = "https://github.com/prodgate/prodgate"


@dataclass(frozen=True)
class RunResult:
    """Findings and diagnostics of one run, plus what the reports need to describe it.

    ``rules`` holds the metadata of every rule that ran (reporters describe rules from it, e.g. the
    SARIF ``tool.driver.rules``); ``fail_on`` is the threshold that decides the exit code.
    """

    command: str
    root: str
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    rules: tuple[RuleMeta, ...]
    files: int
    lines: int
    duration: float
    fail_on: Severity
    fail_on_unanalysed: bool = True
    cached_files: int = 0
    version: str = __version__
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity >= self.fail_on)

    @property
    def unanalysed(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.unanalysed)

    @property
    def passed(self) -> bool:
        return not self.failing and not (self.fail_on_unanalysed and self.unanalysed)

    def counts_by_severity(self) -> dict[str, int]:
        counts = Counter(str(f.severity) for f in self.findings)
        return {str(s): counts.get(str(s), 0) for s in sorted(Severity, reverse=True)}

    def counts_by_rule(self) -> dict[str, int]:
        return dict(sorted(Counter(f.rule for f in self.findings).items()))

    def counts_by_category(self) -> dict[str, int]:
        return dict(sorted(Counter(f.category for f in self.findings).items()))

    def rule_meta(self, code: str) -> RuleMeta | None:
        for meta in self.rules:
            if meta.code == code:
                return meta
        return None
