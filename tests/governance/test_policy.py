"""Policy evaluation: tiers, AI tightening, advisory conditions, coverage, approvals, dynamic reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.core.config import ConfigError, load_config
from prodgate.core.finding import Confidence, Finding, Severity
from prodgate.governance.approvals import ApprovalError, from_github_event, from_trailers
from prodgate.governance.coverage_data import FileCoverage, LineCoverage
from prodgate.governance.git import Commit
from prodgate.governance.policy import Evidence, Policy
from prodgate.governance.provenance import DEFAULT_SETTINGS
from prodgate.governance.records import Attribution, Change

AI = Attribution("claude-code", 75, ("Co-Authored-By",))
UNKNOWN = Attribution("unknown", 0)


def _finding(path: str, line: int, severity: Severity = Severity.HIGH, category: str = "resilience.timeout",
             rule: str = "PG101") -> Finding:
    return Finding(rule, category, severity, Confidence.HIGH, path, line, 1, line, 10, "m", (), f"fp{line}")


def _change(path: str, tier: str, who: Attribution = UNKNOWN, lines: tuple[int, ...] = (1, 2, 3, 4)) -> Change:
    return Change(path, tier, ("r",), who, lines)


def _policy(toml: str, tmp_path: Path) -> Policy:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n" + toml)
    return Policy.from_config(load_config(tmp_path).section("policy"))


def _summary(result: tuple[str, list]) -> tuple[str, list[tuple[str, str, str, str]]]:
    verdict, unmet = result
    return verdict, [(u.level, u.condition, u.path, u.rule) for u in unmet]


def test_defaults(tmp_path: Path) -> None:
    policy = _policy("", tmp_path)
    low = _change("a.py", "low")
    assert _summary(policy.evaluate(Evidence([low], [_finding("a.py", 1, Severity.MEDIUM)]))) == ("pass", [])
    assert _summary(policy.evaluate(Evidence([low], [_finding("a.py", 1, Severity.HIGH)]))) == (
        "fail", [("fail", "fail-on", "a.py", "policy.low.fail-on")])
    ai_low = _change("a.py", "low", AI)
    assert _summary(policy.evaluate(Evidence([ai_low], [_finding("a.py", 1, Severity.MEDIUM)]))) == (
        "fail", [("fail", "fail-on", "a.py", "policy.ai.fail-on")])
    high = _change("pay.py", "high")
    assert _summary(policy.evaluate(Evidence([high], []))) == (
        "warn", [("warn", "require-approval", "pay.py", "policy.high.require-approval")])
    assert _summary(policy.evaluate(Evidence([high], [], approvals=["grace"]))) == ("pass", [])


def test_ai_tier_tables_forbid_and_dedup(tmp_path: Path) -> None:
    policy = _policy("""
[tool.prodgate.policy.high]
fail-on = "high"
forbid = ["security"]
[tool.prodgate.policy.ai]
fail-on = "high"
[tool.prodgate.policy.ai.high]
fail-on = "low"
forbid = ["resilience.timeout"]
""", tmp_path)
    findings = [_finding("pay.py", 1, Severity.HIGH), _finding("pay.py", 2, Severity.MEDIUM, "security.injection.sql", "PG601")]
    human = policy.evaluate(Evidence([_change("pay.py", "high")], findings, approvals=["g"]))
    assert _summary(human) == ("fail", [
        ("fail", "fail-on", "pay.py", "policy.high.fail-on"),
        ("fail", "forbid", "pay.py", "policy.high.forbid"),
    ])
    machine = policy.evaluate(Evidence([_change("pay.py", "high", AI)], findings, approvals=["g"]))
    assert _summary(machine) == ("fail", [
        ("fail", "fail-on", "pay.py", "policy.high.fail-on"),
        ("fail", "fail-on", "pay.py", "policy.ai.high.fail-on"),
        ("fail", "forbid", "pay.py", "policy.ai.high.forbid"),
        ("fail", "forbid", "pay.py", "policy.high.forbid"),
    ])
    assert [u.message for u in machine[1]][3] == (
        "PG601 on changed line 2 is in category security.injection.sql, forbidden (`security`) for high-risk AI-written changes")


def test_coverage_condition(tmp_path: Path) -> None:
    policy = _policy('[tool.prodgate.policy.medium]\nmin-coverage = 80\nadvisory = ["min-coverage"]\n', tmp_path)
    change = _change("svc.py", "medium", lines=(2, 3, 4, 5, 9))
    coverage = LineCoverage(Path("coverage.xml"), {"svc.py": FileCoverage(frozenset({1, 2, 3, 4, 5}), frozenset({1, 2, 3, 4}))})
    verdict, unmet = policy.evaluate(Evidence([change], [], coverage=coverage))
    assert (verdict, [(u.level, u.message) for u in unmet]) == (
        "warn", [("warn", "3 of 4 changed executable lines covered by tests (75%), 80% required")])
    verdict, unmet = policy.evaluate(Evidence([change], []))
    assert unmet[0].message == "80% of changed lines must be covered by tests, but no coverage data was given (--coverage FILE)"
    verdict, unmet = policy.evaluate(Evidence([_change("other.py", "medium")], [], coverage=coverage))
    assert unmet[0].message == "80% of changed lines must be covered by tests, but coverage.xml never measured this file"
    assert policy.evaluate(Evidence([_change("README.md", "medium")], [], coverage=coverage)) == ("pass", [])
    full = LineCoverage(Path("c"), {"svc.py": FileCoverage(frozenset({2, 3, 4, 5}), frozenset({2, 3, 4, 5}))})
    assert policy.evaluate(Evidence([change], [], coverage=full)) == ("pass", [])


def test_dynamic_condition_and_unanalysed_files(tmp_path: Path) -> None:
    policy = _policy("[tool.prodgate.policy.low]\nrequire-dynamic = true\nfail-on = \"medium\"\n", tmp_path)
    change = _change("a.py", "low")
    assert policy.evaluate(Evidence([change], [], dynamic=(Severity.LOW,), dynamic_source="d.json")) == ("pass", [])
    verdict, unmet = policy.evaluate(Evidence([change], [], dynamic=(Severity.HIGH, Severity.LOW), dynamic_source="d.json"))
    assert (verdict, unmet[0].message) == (
        "fail", "low-risk changes need dynamic checks: d.json has 1 finding(s) at or above medium")
    verdict, unmet = policy.evaluate(Evidence([change], [], dynamic=(), unanalysed={"a.py": "syntax-error: bad"}))
    assert (verdict, [(u.condition, u.rule) for u in unmet]) == ("fail", [("analysed", "analysis")])


@pytest.mark.parametrize(("toml", "message"), [
    ('[tool.prodgate.policy.high]\nfail-on = "severe"\n', "tool.prodgate.policy.high.fail-on: unknown severity 'severe'"),
    ("[tool.prodgate.policy.high]\nmin-coverage = 120\n", "tool.prodgate.policy.high.min-coverage: expected a percentage"),
    ('[tool.prodgate.policy.high]\nadvisory = ["coverage"]\n', "tool.prodgate.policy.high.advisory: unknown condition 'coverage'"),
    ("[tool.prodgate.policy.high]\nrequire-review = true\n", "tool.prodgate.policy.high.require-review: unknown key"),
    ("[tool.prodgate.policy.high.low]\nfail-on = \"low\"\n", "tool.prodgate.policy.high.low: unknown key"),
    ("[tool.prodgate.policy]\nurgent = {}\n", "tool.prodgate.policy.urgent: unknown key"),
])
def test_bad_policy_is_rejected_with_the_key(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        _policy(toml, tmp_path)


def test_fail_on_none_disables_the_limit(tmp_path: Path) -> None:
    policy = _policy('[tool.prodgate.policy.low]\nfail-on = "none"\n', tmp_path)
    assert policy.evaluate(Evidence([_change("a.py", "low")], [_finding("a.py", 1, Severity.CRITICAL)])) == ("pass", [])


def _review(login: str, state: str, kind: str = "User") -> dict:
    return {"user": {"login": login, "type": kind}, "state": state}


def test_github_reviews(tmp_path: Path) -> None:
    event = tmp_path / "reviews.json"
    event.write_text(json.dumps([_review("ada", "APPROVED"), _review("bob", "APPROVED"), _review("bob", "CHANGES_REQUESTED"),
                                 _review("cy", "COMMENTED"), _review("copilot[bot]", "APPROVED", "Bot"), _review("dee", "APPROVED")]))
    assert from_github_event(event) == ["ada (GitHub review)", "dee (GitHub review)"]
    event.write_text(json.dumps({"pull_request": {"number": 3, "reviews": [_review("eve", "APPROVED")]}}))
    assert from_github_event(event) == ["eve (GitHub review)"]
    event.write_text(json.dumps({"action": "opened", "pull_request": {"number": 3}}))
    assert from_github_event(event) == []
    event.write_text("[not json")
    with pytest.raises(ApprovalError, match="not valid JSON"):
        from_github_event(event)
    event.write_text('"a string"')
    with pytest.raises(ApprovalError, match="expected a JSON object or list of reviews"):
        from_github_event(event)


def test_reviewed_by_trailers_from_assistants_do_not_count() -> None:
    commits = [Commit("a", "A", "a@x", "A", "a@x", "x\n\nReviewed-by: Grace <grace@example.com>"),
               Commit("b", "A", "a@x", "A", "a@x", "y\n\nReviewed-by: Claude <noreply@anthropic.com>")]
    assert from_trailers(commits, DEFAULT_SETTINGS) == ["Grace <grace@example.com> (Reviewed-by trailer)"]
