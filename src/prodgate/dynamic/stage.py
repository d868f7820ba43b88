"""What the configuration and inline suppressions make of a dynamic stage's findings.

A dynamic stage (``fuzz``, ``chaos``) reports the registered rules of its ``stage`` under the
same settings as ``check``: ``select``/``extend-select``/``ignore``/``preview``, ``enabled`` and
``severity`` in ``[tool.prodgate.rules.<CODE>]``, and ``# prodgate: ignore[CODE] reason`` on the
line a finding points at (for ``fuzz``, the function's ``def`` line). Only suppressions that name
a rule of the stage are judged here; ``check`` reports the problems of all the others.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prodgate.core.config import Config
from prodgate.core.finding import Diagnostic, Finding
from prodgate.core.registry import REDIRECTS, default_registry
from prodgate.core.rule import Rule, RuleMeta
from prodgate.core.selection import configured_rules
from prodgate.static.suppression import apply_suppressions, find_suppressions

OWNED_BY_CHECK = frozenset({"unknown-rule-in-suppression"})


@dataclass(frozen=True)
class StageRules:
    """The rules one run of a dynamic stage reports, and how it settles their findings."""

    rules: tuple[type[Rule], ...]
    config: Config

    @classmethod
    def configured(cls, config: Config, stage: str) -> StageRules:
        return cls(tuple(configured_rules(default_registry(), config, stage)), config)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(rule.meta.code for rule in self.rules)

    @property
    def metas(self) -> tuple[RuleMeta, ...]:
        return tuple(rule.meta for rule in self.rules)

    def settle(self, findings: Iterable[Finding], analysed: Iterable[str]) -> tuple[list[Finding], list[Diagnostic]]:
        """The findings of selected rules, at their configured severity, less the suppressed ones;
        plus the diagnostics of the stage's suppressions (unused, without a reason) in the
        ``analysed`` files (paths relative to the root, as findings have them)."""
        by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            if finding.rule in self.codes:
                severity = self.config.rules.get(finding.rule, {}).get("severity")
                by_path[finding.path].append(dataclasses.replace(finding, severity=severity or finding.severity))
        known = set(default_registry().codes)
        kept: list[Finding] = []
        diagnostics: list[Diagnostic] = []
        for path in sorted({*by_path, *analysed}):
            suppressions = [s for s in find_suppressions(self._text(path))
                            if any(REDIRECTS.get(c, c) in self.codes for c in s.codes)]
            found, problems = apply_suppressions(path, by_path.get(path, []), suppressions, known, set(self.codes),
                                                 REDIRECTS)
            kept.extend(found)
            diagnostics.extend(d for d in problems if d.kind not in OWNED_BY_CHECK)
        return kept, diagnostics

    def _text(self, path: str) -> str:
        try:
            return (Path(self.config.root) / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
