"""`prodgate gate` end to end on real repositories: people and assistants, risky and harmless changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.cli.main import main

from .conftest import Repo

PYPROJECT = """\
[project]
name = "shop"
requires-python = ">=3.10"

[tool.prodgate]
select = ["PG101"]  # the gate is under test here, not the rules

[tool.prodgate.policy.high]
fail-on = "medium"
require-approval = true

[tool.prodgate.policy.ai]
fail-on = "low"
"""

CHARGE = """\
import requests


def charge(customer_id: str, cents: int) -> dict:
    response = requests.post("https://api.example.com/charges", json={"customer": customer_id}, timeout=10)
    return response.json()
"""

CLAUDE = "Ada Lovelace <ada@example.com>"
MONET = "Claude Monet <claude@monet.example>"
COPILOT = "Copilot <198982749+Copilot@users.noreply.github.com>"


def _project(repo: Repo, pyproject: str = PYPROJECT) -> str:
    repo.write("pyproject.toml", pyproject)
    repo.write("README.md", "# Shop\n")
    repo.write("shop/__init__.py", "")
    repo.write("shop/util.py", "def clamp(value: int, low: int, high: int) -> int:\n    return max(low, min(value, high))\n")
    repo.write("payments/__init__.py", "")
    repo.write("payments/charge.py", CHARGE)
    repo.write(".gitignore", ".prodgate_cache/\n")
    base = repo.commit("Initial shop", author="Grace Hopper <grace@example.com>")
    repo.branch("feature")
    return base


def _risky_change(repo: Repo) -> None:
    repo.write("payments/charge.py", CHARGE + """

def refund(charge_id: str) -> dict:
    response = requests.post(f"https://api.example.com/refunds/{charge_id}")
    return response.json()
""")
    repo.commit("Add refunds\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author=CLAUDE)


def _harmless_changes(repo: Repo) -> None:
    repo.write("README.md", "# Shop\n\nRun `make test`.\n")
    repo.commit("Document how to run the tests", author=MONET)
    repo.write("docs/guide.md", "# Guide\n\nStart here.\n")
    repo.commit("Add a guide", author=COPILOT)
    repo.write("shop/util.py", "def clamp(value: int, low: int, high: int) -> int:\n    return max(low, min(value, high))\n\n\n"
                               "def double(value: int) -> int:\n    return value * 2\n")
    repo.commit("Add double", author="Ada Lovelace (aider) <ada@example.com>")


def _gate(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["gate", str(repo.root), "--format", "json", "--no-cache", "--jobs", "1", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def _changes(report: dict) -> dict[str, tuple[str, str]]:
    return {c["path"]: (c["tier"], c["provenance"]["tool"]) for c in report["changes"]}


def test_risky_ai_change_fails_with_every_unmet_condition(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _project(repo)
    _risky_change(repo)
    _harmless_changes(repo)
    code, report = _gate(repo, capsys)
    assert code == 1
    assert report["verdict"] == "fail"
    assert report["base"] == base and report["commits"] == 4
    assert _changes(report) == {
        "README.md": ("low", "unknown"),
        "docs/guide.md": ("low", "copilot"),
        "payments/charge.py": ("high", "claude-code"),
        "shop/util.py": ("low", "aider"),
    }
    charge = next(c for c in report["changes"] if c["path"] == "payments/charge.py")
    assert charge["reasons"] == [
        "path matches high-risk pattern `payments/`",
        "payments or billing (payments: `refund` on line 9)",
    ]
    assert charge["provenance"] == {
        "tool": "claude-code", "ai": True, "score": 75, "ai_share": 1.0,
        "signals": ["Co-Authored-By: trailer names noreply@anthropic.com (+75)"]}
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [("PG101", "payments/charge.py", 10)]
    assert [(u["level"], u["condition"], u["path"], u["rule"]) for u in report["unmet"]] == [
        ("fail", "fail-on", "payments/charge.py", "policy.high.fail-on"),
        ("fail", "require-approval", "payments/charge.py", "policy.high.require-approval"),
    ]
    assert report["unmet"][0]["message"] == (
        "PG101 (high, resilience.timeout) on changed line 10: high-risk AI-written changes allow no finding "
        "at or above medium")


def test_finding_on_an_unchanged_line_is_not_judged(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _project(repo, PYPROJECT)
    repo.write("payments/charge.py", CHARGE.replace(", timeout=10", ""))
    repo.git("add", "payments/charge.py")
    repo.git("commit", "-q", "--amend", "--no-edit")  # the base itself has the finding
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("payments/charge.py", CHARGE.replace(", timeout=10", "") + "\n\nCURRENCY = 'EUR'\n")
    repo.commit("Name the currency", author="Grace Hopper <grace@example.com>")
    code, report = _gate(repo, capsys, "--base", base, "--approved-by", "grace")
    assert (code, report["verdict"], report["findings"], report["unmet"]) == (0, "pass", [], [])
    assert report["approvals"] == ["grace (--approved-by)"]


def test_harmless_changes_by_people_and_assistants_pass(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _project(repo)
    _harmless_changes(repo)
    code, report = _gate(repo, capsys)
    assert (code, report["verdict"], report["unmet"], report["findings"]) == (0, "pass", [], [])
    readme = next(c for c in report["changes"] if c["path"] == "README.md")
    assert readme["provenance"]["tool"] == "unknown"  # "Claude Monet" is a person, not Claude
    assert readme["reasons"] == ["path matches low-risk pattern `*.md`"]


def test_approval_and_a_fix_turn_fail_into_pass(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _project(repo)
    _risky_change(repo)
    repo.write("payments/charge.py", (repo.root / "payments/charge.py").read_text().replace(
        'refunds/{charge_id}")', 'refunds/{charge_id}", timeout=10)'))
    repo.commit("Time out refunds\n\nReviewed-by: Grace Hopper <grace@example.com>", author="Grace Hopper <grace@example.com>")
    code, report = _gate(repo, capsys)
    assert (code, report["verdict"], report["unmet"]) == (0, "pass", [])
    assert report["approvals"] == ["Grace Hopper <grace@example.com> (Reviewed-by trailer)"]


def test_github_review_approval_and_advisory_conditions_warn(repo: Repo, capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    _project(repo, PYPROJECT + '\n[tool.prodgate.policy.medium]\nrequire-dynamic = true\nadvisory = ["require-dynamic"]\n'
                               '\n[tool.prodgate.risk]\nmedium-paths = ["shop/"]\n')
    _harmless_changes(repo)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "submitted", "review": {"state": "approved", "user": {"login": "grace", "type": "User"}}}))
    code, report = _gate(repo, capsys, "--github-event", str(event))
    assert (code, report["verdict"]) == (0, "warn")
    assert report["approvals"] == ["grace (GitHub review)"]
    assert [(u["level"], u["path"], u["rule"], u["message"]) for u in report["unmet"]] == [
        ("warn", "shop/util.py", "policy.medium.require-dynamic",
         "medium-risk AI-written changes need dynamic checks: no dynamic report was given (--dynamic-report FILE)")]
    clean = tmp_path / "dynamic.json"
    clean.write_text(json.dumps({"findings": [{"severity": "low", "rule": "PG900"}]}))
    code, report = _gate(repo, capsys, "--dynamic-report", str(clean))
    assert (code, report["verdict"]) == (0, "pass")


def test_markdown_step_summary_and_sarif(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _project(repo)
    _risky_change(repo)
    summary, sarif = tmp_path / "summary.md", tmp_path / "gate.sarif"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = main(["gate", str(repo.root), "--format", "markdown", "--no-cache", "--jobs", "1", "--sarif", str(sarif)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("## prodgate gate: \u274c fail\n")
    assert "| `payments/charge.py` | high | claude-code (score 75, 100% of changed lines) |" in out
    assert "| fail | `payments/charge.py` | PG101 (high, resilience.timeout) on changed line 10" in out
    written = summary.read_text()
    assert written.startswith("earlier step\n## prodgate gate: \u274c fail\n")
    assert "- evidence: Co-Authored-By: trailer names noreply@anthropic.com (+75)" in written
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [("PG101", 10)]


def test_text_report_shows_provenance(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _project(repo)
    _harmless_changes(repo)
    assert main(["gate", str(repo.root), "--no-cache", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("prodgate gate: PASS")
    assert "  low     docs/guide.md  copilot (score 100, 100% of changed lines)" in out
    assert "  low     README.md      unknown" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--base", "nope"], "prodgate: error: unknown revision 'nope'"),
    (["--coverage", "missing.xml"], "prodgate: error: missing.xml: cannot read coverage data: No such file or directory"),
    (["--github-event", "missing.json"], "prodgate: error: missing.json: cannot read the GitHub event: No such file or directory"),
    (["--dynamic-report", "README.md"], "prodgate: error: README.md: not a prodgate JSON report (JSONDecodeError"),
    (["--github-step-summary"], "prodgate: error: --github-step-summary needs FILE or $GITHUB_STEP_SUMMARY"),
])
def test_bad_input_is_one_line_and_exit_2(repo: Repo, capsys: pytest.CaptureFixture[str], args: list[str],
                                          message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(repo)
    _harmless_changes(repo)
    monkeypatch.chdir(repo.root)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert main(["gate", ".", "--no-cache", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_outside_a_repository_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gate", str(tmp_path)]) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_git_ai_notes_attribute_single_lines(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _project(repo)
    repo.write("shop/util.py", (repo.root / "shop/util.py").read_text() + "\n\ndef half(value: int) -> int:\n    return value // 2\n")
    sha = repo.commit("Add half", author="Grace Hopper <grace@example.com>")
    note = ("shop/util.py\n  d9978a8723e02b52 5\n---\n" + json.dumps({
        "schema_version": "authorship/3.0.0", "base_commit_sha": sha,
        "prompts": {"d9978a8723e02b52": {"agent_id": {"tool": "cursor", "id": "s1", "model": "gpt-5"}}}}))
    repo.git("notes", "--ref=refs/notes/ai", "add", "-m", note, sha)
    code, report = _gate(repo, capsys)
    assert (code, report["verdict"]) == (0, "pass")
    util = next(c for c in report["changes"] if c["path"] == "shop/util.py")
    assert util["provenance"] == {"tool": "cursor", "ai": True, "score": 75, "ai_share": 0.25,
                                  "signals": ["git-ai authorship log in refs/notes/ai (gpt-5) (+75)"]}
    assert util["changed_lines"] == 4


def test_project_in_a_subdirectory_and_an_empty_range(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("service/pyproject.toml", PYPROJECT)
    repo.write("service/payments/charge.py", CHARGE)
    repo.write("web/index.html", "<p>hi</p>\n")
    repo.commit("Initial", author="Grace Hopper <grace@example.com>")
    repo.branch("feature")
    code, report = _gate(repo, capsys)
    assert (code, report["verdict"], report["changes"], report["commits"]) == (0, "pass", [], 0)
    repo.write("service/payments/charge.py", CHARGE.replace(", timeout=10", ""))
    repo.commit("Drop the timeout", author="Grace Hopper <grace@example.com>")
    code = main(["gate", str(repo.root / "service"), "--format", "json", "--no-cache", "--jobs", "1", "--approved-by", "ada"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [("PG101", "service/payments/charge.py", 5)]
    assert [u["rule"] for u in report["unmet"]] == ["policy.high.fail-on"]


def test_uncommitted_edits_are_named_in_a_warning(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _project(repo)
    _risky_change(repo)
    repo.write("payments/charge.py", (repo.root / "payments/charge.py").read_text() + "\n# editing\n")
    assert main(["gate", str(repo.root), "--no-cache", "--jobs", "1", "--format", "json"]) == 1
    assert capsys.readouterr().err == ("prodgate: warning: uncommitted edits in payments/charge.py; findings are for the "
                                       "working tree, lines and provenance for HEAD\n")


def test_every_run_is_recorded_in_the_ledger_unless_told_not_to(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = pytest.importorskip("prodgate.governance.ledger", reason="the ledger module has not landed")
    from prodgate.core.config import load_config

    _project(repo)
    _risky_change(repo)
    assert main(["gate", str(repo.root), "--no-cache", "--jobs", "1", "--no-ledger"]) == 1
    code = main(["gate", str(repo.root), "--no-cache", "--jobs", "1"])
    assert code == 1, capsys.readouterr().err
    capsys.readouterr()
    with ledger.Ledger.for_config(load_config(repo.root)) as stored:
        runs = stored.runs()
        assert [(r.verdict, r.changes, r.findings, r.unmet) for r in runs] == [("fail", 1, 1, 2)]
        recorded = stored.run(runs[0].id).run
    assert recorded.changes[0].provenance.tool == "claude-code"
    assert recorded.unmet[1].endswith("[policy.high.require-approval]")


def test_baseline_keeps_known_findings_out_of_the_verdict(repo: Repo, capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    _project(repo)
    _risky_change(repo)
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(repo.root), "--output", str(baseline), "--no-cache"]) == 0
    capsys.readouterr()
    code, report = _gate(repo, capsys, "--baseline", str(baseline))
    assert report["findings"] == []
    assert [u["condition"] for u in report["unmet"]] == ["require-approval"]
    assert code == 1
    assert main(["gate", str(repo.root), "--no-cache", "--baseline", str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
