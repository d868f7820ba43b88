"""The chaos rules are registered rules: explain/rules know them, and configuration and suppressions apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.api import check
from prodgate.cli.main import main
from prodgate.core.config import load_config
from prodgate.core.finding import Severity
from prodgate.core.result import RunResult
from prodgate.dynamic.chaos.plan import FaultPlan
from prodgate.dynamic.chaos.runner import chaos

ORDERS = '''\
import sqlite3

def count_orders(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select count(*) from sqlite_master").fetchone()[0]  # prodgate: ignore[PG950] callers retry
    finally:
        conn.close()

def count_customers(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select count(*) from sqlite_master").fetchone()[0]  # prodgate: ignore[PG951] from an old version
    finally:
        conn.close()
'''
TESTS = '''\
from app.orders import count_customers, count_orders

def test_counts(tmp_path):
    assert count_orders(str(tmp_path / "o.db")) == 0
    assert count_customers(str(tmp_path / "c.db")) == 0
'''


def _project(root: Path, settings: str = "") -> Path:
    (root / "pyproject.toml").write_text(f'[project]\nname = "orders"\n{settings}', encoding="utf-8")
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "orders.py").write_text(ORDERS, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_orders.py").write_text(TESTS, encoding="utf-8")
    return root


def _chaos(root: Path) -> RunResult:
    return chaos(root, ["-p", "no:cacheprovider"], FaultPlan(deadline=5.0, jobs=1))


def test_explain_and_rules_describe_the_chaos_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "fault-escapes-unhandled"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# PG950 fault-escapes-unhandled")
    assert "reported by: `prodgate chaos`" in page
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert {code: listed[code]["stage"] for code in ("PG950", "PG951", "PG952", "PG953")} == dict.fromkeys(
        ("PG950", "PG951", "PG952", "PG953"), "chaos")


def test_suppressions_and_severity_apply_to_chaos_findings(tmp_path: Path) -> None:
    root = _project(tmp_path, '\n[tool.prodgate.rules.PG950]\nseverity = "medium"\n')
    result = _chaos(root)
    assert {(f.rule, f.line, f.properties["fault"]) for f in result.findings} == {
        ("PG950", 13, "db-locked"), ("PG950", 13, "db-operational")}
    assert {f.severity for f in result.findings} == {Severity.MEDIUM}
    assert [(d.kind, d.line) for d in result.diagnostics if "suppression" in d.kind] == [("unused-suppression", 13)]
    assert result.rule_meta("PG950") is not None and result.rule_meta("PG901") is None


def test_check_neither_runs_chaos_rules_nor_judges_their_suppressions(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = check([root], load_config(root), use_cache=False, jobs=1)
    assert not [f for f in result.findings if f.rule.startswith("PG95")]
    assert not [d for d in result.diagnostics if "suppression" in d.kind]


def test_ignore_by_category_leaves_the_other_chaos_rules(tmp_path: Path) -> None:
    root = _project(tmp_path, '\n[tool.prodgate]\nignore = ["dynamic.fault-unhandled"]\n')
    result = _chaos(root)
    assert result.findings == ()
    assert [m.code for m in result.rules] == ["PG951", "PG952", "PG953"]
