"""The fuzz rules are registered rules: explain/rules know them, and configuration and suppressions apply."""

from __future__ import annotations

import json

import pytest
from fuzz_support import QUICK, Project, by_function, run_fuzz

from prodgate.api import check
from prodgate.cli.main import main
from prodgate.core.config import load_config
from prodgate.core.finding import Severity

SOURCE = '''
def ratio(done: int, total: int) -> float:  # prodgate: ignore[PG901] callers check total first
    return done / total


def lookup(table: dict[str, int], key: str) -> int:
    return table[key]


def label(name: str) -> str:  # prodgate: ignore[PG902] kept from an old version
    return name.strip().title()
'''


def test_explain_and_rules_describe_the_fuzz_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "crash-on-hinted-input"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# PG901 crash-on-hinted-input")
    assert "reported by: `prodgate fuzz`" in page
    assert "def average(values: list[float]) -> float:  # error: PG901" in page
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert {code: listed[code]["stage"] for code in ("PG901", "PG905", "PG101")} == \
        {"PG901": "fuzz", "PG905": "fuzz", "PG101": "check"}


def test_suppressions_and_severity_apply_to_fuzz_findings(project: Project) -> None:
    root = project({"pyproject.toml": '[project]\nname = "s"\n\n[tool.prodgate.rules.PG901]\nseverity = "medium"\n',
                    "stats.py": SOURCE})
    result = run_fuzz(root / "stats.py", root)
    assert by_function(result) == {"lookup": [("PG901", "crash-type")]}
    assert [f.severity for f in result.findings] == [Severity.MEDIUM]
    assert [(d.kind, d.line) for d in result.diagnostics if "suppression" in d.kind] == [("unused-suppression", 9)]
    assert result.rule_meta("PG901") is not None and result.rule_meta("PG101") is None


def test_check_neither_runs_fuzz_rules_nor_judges_their_suppressions(project: Project) -> None:
    root = project({"stats.py": SOURCE})
    result = check([root], load_config(root), use_cache=False, jobs=1)
    assert not [f for f in result.findings if f.rule.startswith("PG9")]
    assert not [d for d in result.diagnostics if "suppression" in d.kind]
    assert not any(meta.code.startswith("PG9") for meta in result.rules)


def test_ignore_by_category_leaves_the_other_fuzz_rules(project: Project) -> None:
    config = '[project]\nname = "s"\n\n[tool.prodgate]\nignore = ["dynamic.crash"]\n'
    root = project({"pyproject.toml": config, "stats.py": SOURCE})
    result = run_fuzz(root / "stats.py", root, QUICK)
    assert result.findings == ()
    assert [m.code for m in result.rules] == ["PG902", "PG903", "PG904"]
