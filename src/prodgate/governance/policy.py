"""``[tool.prodgate.policy]``: what must hold for a change of each risk tier and provenance.

Each tier table (``low``, ``medium``, ``high``) and the ``ai`` table (with optional ``ai.low``,
``ai.medium``, ``ai.high``) is a rule with these conditions:

    fail-on           no finding on a changed line at or above this severity ("none": no limit)
    forbid            no finding on a changed line in these categories (prefix match)
    min-coverage      at least this percentage of the changed executable lines run by tests
    require-approval  a human approval is recorded
    require-dynamic   a dynamic-check report is given and has no finding at or above fail-on
    advisory          conditions of this rule that only warn

Every change is judged by its tier's rule; an AI-attributed change also by ``ai`` and ``ai.<tier>``,
so those tables can only add demands. The verdict is ``fail`` if any failing condition is unmet,
``warn`` if only advisory ones are, else ``pass``; every unmet condition is listed with its file
and the rule that asked for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodgate.core.categories import matches_prefix
from prodgate.core.config import CHECKS, ConfigError, Key
from prodgate.core.finding import Finding, Severity
from prodgate.governance.records import Change
from prodgate.governance.risk import TIERS

if TYPE_CHECKING:  # coverage.py is imported only when a coverage file is read
    from prodgate.governance.coverage_data import LineCoverage

CONDITIONS = ("fail-on", "forbid", "min-coverage", "require-approval", "require-dynamic")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str  # "policy.high", "policy.ai", "policy.ai.high"
    fail_on: Severity | None = None
    forbid: tuple[str, ...] = ()
    min_coverage: int = 0
    require_approval: bool = False
    require_dynamic: bool = False
    advisory: frozenset[str] = frozenset()

    def merged(self, overrides: Mapping[str, Any]) -> Rule:
        return Rule(
            self.name,
            overrides.get("fail-on", self.fail_on),
            overrides.get("forbid", self.forbid),
            overrides.get("min-coverage", self.min_coverage),
            overrides.get("require-approval", self.require_approval),
            overrides.get("require-dynamic", self.require_dynamic),
            # A condition set explicitly is no longer advisory by default; an explicit `advisory` decides.
            frozenset(overrides["advisory"]) if "advisory" in overrides else self.advisory - set(overrides),
        )


DEFAULT_RULES: Mapping[str, Rule] = {
    "low": Rule("policy.low", fail_on=Severity.HIGH),
    "medium": Rule("policy.medium", fail_on=Severity.HIGH),
    "high": Rule("policy.high", fail_on=Severity.MEDIUM, require_approval=True, advisory=frozenset({"require-approval"})),
    "ai": Rule("policy.ai", fail_on=Severity.MEDIUM),
}


def _rule_table(key: str, value: Any, nested: bool = False) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table, got {value!r}")
    result: dict[str, Any] = {}
    for name, item in value.items():
        where = f"{key}.{name}"
        if name == "fail-on":
            text = CHECKS["str"](where, item)
            result[name] = None if text.lower() == "none" else CHECKS["severity"](where, text)
        elif name == "forbid":
            result[name] = CHECKS["strings"](where, item)
        elif name == "min-coverage":
            percent = CHECKS["int"](where, item)
            if percent > 100:
                raise ConfigError(f"{where}: expected a percentage from 0 to 100, got {item!r}")
            result[name] = percent
        elif name in ("require-approval", "require-dynamic"):
            result[name] = CHECKS["bool"](where, item)
        elif name == "advisory":
            chosen = CHECKS["strings"](where, item)
            wrong = [c for c in chosen if c not in CONDITIONS]
            if wrong:
                raise ConfigError(f"{where}: unknown condition {wrong[0]!r}; expected some of: {', '.join(CONDITIONS)}")
            result[name] = chosen
        elif nested and name in TIERS:
            result[name] = _rule_table(where, item)
        else:
            expected = [*CONDITIONS, "advisory", *(TIERS if nested else ())]
            raise ConfigError(f"{where}: unknown key; expected one of: {', '.join(sorted(expected))}")
    return result


def _tier_table(key: str, value: Any) -> dict[str, Any]:
    return _rule_table(key, value)


def _ai_table(key: str, value: Any) -> dict[str, Any]:
    return _rule_table(key, value, nested=True)


KEYS: tuple[Key, ...] = (
    Key("low", _tier_table, {}, "Conditions for low-risk changes (default: `fail-on = \"high\"`)."),
    Key("medium", _tier_table, {}, "Conditions for medium-risk changes (default: `fail-on = \"high\"`)."),
    Key("high", _tier_table, {},
        "Conditions for high-risk changes (default: `fail-on = \"medium\"`, `require-approval = true`, `advisory = [\"require-approval\"]`)."),
    Key("ai", _ai_table, {},
        "Extra conditions for AI-attributed changes of every tier, and per tier in `ai.low`/`ai.medium`/`ai.high` (default: `fail-on = \"medium\"`)."),
    Key("coverage-file", CHECKS["str"], "", "Coverage data (`.coverage` or Cobertura XML) read when a rule sets `min-coverage`; `--coverage` overrides."),
)


@dataclass(frozen=True, slots=True)
class Unmet:
    """One condition a change does not meet."""

    condition: str
    path: str
    rule: str  # the configuration key that asked for it, e.g. "policy.ai.fail-on"
    level: str  # "fail" | "warn"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the policy judges: changes, findings on their changed lines, and the recorded checks."""

    changes: Sequence[Change]
    findings: Sequence[Finding]  # already limited to changed lines, paths relative to the repository top
    approvals: Sequence[str] = ()
    coverage: LineCoverage | None = None
    dynamic: Sequence[Severity] | None = None  # severities of the dynamic report's findings; None: no report
    dynamic_source: str = ""
    unanalysed: Mapping[str, str] = field(default_factory=dict)  # path -> why it was not analysed


class Policy:
    def __init__(self, rules: Mapping[str, Rule] | None = None, ai_tiers: Mapping[str, Rule] | None = None):
        self.rules = dict(rules or DEFAULT_RULES)
        self.ai_tiers = dict(ai_tiers or {})

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> Policy:
        rules = {name: DEFAULT_RULES[name].merged(section.get(name) or {}) for name in ("low", "medium", "high", "ai")}
        ai = section.get("ai") or {}
        ai_tiers = {tier: Rule(f"policy.ai.{tier}").merged(ai[tier]) for tier in TIERS if tier in ai}
        return cls(rules, ai_tiers)

    def rules_for(self, change: Change) -> list[Rule]:
        chosen = [self.rules[change.tier]]
        if change.provenance.is_ai:
            chosen.append(self.rules["ai"])
            if change.tier in self.ai_tiers:
                chosen.append(self.ai_tiers[change.tier])
        return chosen

    def evaluate(self, evidence: Evidence) -> tuple[str, list[Unmet]]:
        """The verdict and every unmet condition (a condition two rules ask for is listed once, failing first)."""
        unmet: dict[tuple[str, str, str], Unmet] = {}
        for change in evidence.changes:
            if change.path in evidence.unanalysed:
                found = Unmet("analysed", change.path, "analysis", "fail",
                              f"the file could not be analysed ({evidence.unanalysed[change.path]}); a file not analysed is not a pass")
                unmet[("analysed", change.path, "")] = found
            for rule in self.rules_for(change):
                for subject, item in self._check(rule, change, evidence):
                    key = (item.condition, item.path, subject)
                    if key not in unmet or (unmet[key].level == "warn" and item.level == "fail"):
                        unmet[key] = item
        listed = sorted(unmet.values(), key=lambda u: (u.level != "fail", u.path, CONDITIONS.index(u.condition)
                                                        if u.condition in CONDITIONS else -1, u.message))
        if any(u.level == "fail" for u in listed):
            return "fail", listed
        return ("warn" if listed else "pass"), listed

    def _check(self, rule: Rule, change: Change, evidence: Evidence) -> list[tuple[str, Unmet]]:
        found: list[tuple[str, Unmet]] = []
        who = "AI-written " if change.provenance.is_ai else ""
        scope = f"{change.tier}-risk {who}changes"

        def add(condition: str, subject: str, message: str) -> None:
            level = "warn" if condition in rule.advisory else "fail"
            found.append((subject, Unmet(condition, change.path, f"{rule.name}.{condition}", level, message)))

        for finding in evidence.findings:
            if finding.path != change.path:
                continue
            subject = f"{finding.rule}:{finding.line}:{finding.column}"
            if rule.fail_on is not None and finding.severity >= rule.fail_on:
                add("fail-on", subject, f"{finding.rule} ({finding.severity}, {finding.category}) on changed line {finding.line}: "
                                        f"{scope} allow no finding at or above {rule.fail_on}")
            prefix = next((p for p in rule.forbid if matches_prefix(finding.category, p)), None)
            if prefix is not None:
                add("forbid", subject, f"{finding.rule} on changed line {finding.line} is in category {finding.category}, "
                                       f"forbidden (`{prefix}`) for {scope}")
        if rule.min_coverage:
            message = self._coverage_gap(rule.min_coverage, change, evidence.coverage)
            if message:
                add("min-coverage", "", message)
        if rule.require_approval and not evidence.approvals:
            add("require-approval", "", f"{scope} need a human approval; none recorded "
                                        "(Reviewed-by: trailer, --approved-by or --github-event)")
        if rule.require_dynamic:
            message = self._dynamic_gap(rule, evidence)
            if message:
                add("require-dynamic", "", f"{scope} need dynamic checks: {message}")
        return found

    @staticmethod
    def _coverage_gap(required: int, change: Change, coverage: LineCoverage | None) -> str:
        if not change.path.endswith(".py") or not change.added_lines:
            return ""
        if coverage is None:
            return f"{required}% of changed lines must be covered by tests, but no coverage data was given (--coverage FILE)"
        measured = coverage.changed(change.path, change.added_lines)
        if measured is None:
            return f"{required}% of changed lines must be covered by tests, but {coverage.source.name} never measured this file"
        if measured.percent + 1e-9 < required:
            return (f"{measured.covered} of {measured.executable} changed executable lines covered by tests "
                    f"({measured.percent:.0f}%), {required}% required")
        return ""

    @staticmethod
    def _dynamic_gap(rule: Rule, evidence: Evidence) -> str:
        if evidence.dynamic is None:
            return "no dynamic report was given (--dynamic-report FILE)"
        threshold = rule.fail_on if rule.fail_on is not None else Severity.INFO
        failing = [s for s in evidence.dynamic if s >= threshold]
        if failing:
            return f"{evidence.dynamic_source} has {len(failing)} finding(s) at or above {threshold}"
        return ""
