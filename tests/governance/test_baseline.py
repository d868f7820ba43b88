"""Baselines: known findings stay matched through moved code and unrelated edits; new ones are reported."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodgate.cli.main import main
from prodgate.core.finding import Confidence, Finding, Severity
from prodgate.governance.baseline import Baseline, BaselineEntry, baseline_of, filter_new

CLIENT = '''\
import requests


def fetch_prices(base_url):
    prices = requests.get(base_url + "/prices").json()
    return prices


def notify(hook, order_id):
    requests.post(hook, json={"order": order_id})
'''

# The same module after a refactor: functions swapped, a new import, docstrings, comments, an unrelated
# helper and reindented arguments. Nothing a reviewer would call a new problem.
CLIENT_EDITED = '''\
"""Clients of the pricing and webhook services."""

import logging

import requests

log = logging.getLogger(__name__)


def notify(hook, order_id):
    """Tell the shop's webhook that an order changed."""
    log.info("notifying %s", hook)
    requests.post(hook,   json={"order": order_id})


def _unrelated(values):
    return sorted(values)


def fetch_prices(base_url):
    # the price list is small
    prices = requests.get(base_url + "/prices").json()
    return prices
'''


def _project(root: Path, client: str = CLIENT) -> Path:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n\n[tool.prodgate]\nselect = ['PG101']\n")
    (root / "app" / "client.py").write_text(client)
    return root


def _check(project: Path, baseline: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    capsys.readouterr()
    code = main(["check", str(project), "--baseline", str(baseline), "--format", "json", "--no-cache"])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_create_writes_each_fingerprint_with_rule_path_and_count(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "shop")
    assert main(["baseline", "create", str(project), "--no-cache"]) == 0
    document = json.loads((project / ".prodgate" / "baseline.json").read_text())
    assert document["schema"] == "prodgate-baseline/1"
    assert [(e["rule"], e["path"], e["count"]) for e in document["findings"]] == [
        ("PG101", "app/client.py", 1), ("PG101", "app/client.py", 1)]
    assert "wrote a baseline of 2 findings" in capsys.readouterr().err


def test_baselined_findings_survive_moved_code_and_unrelated_edits(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "shop")
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(project), "--output", str(baseline), "--no-cache"]) == 0
    assert _check(project, baseline, capsys) == (0, [])

    (project / "app" / "client.py").write_text(CLIENT_EDITED)
    assert _check(project, baseline, capsys) == (0, [])
    code = main(["check", str(project), "--format", "json", "--no-cache"])
    assert code == 1 and len(json.loads(capsys.readouterr().out)["findings"]) == 2  # still there, just known


def test_a_new_finding_of_the_same_rule_in_the_same_function_is_reported(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "shop")
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", "create", str(project), "--output", str(baseline), "--no-cache"]) == 0
    grown = CLIENT_EDITED.replace(
        '    prices = requests.get(base_url + "/prices").json()\n',
        '    prices = requests.get(base_url + "/prices").json()\n'
        '    stock = requests.get(base_url + "/stock").json()\n'
        '    prices = requests.get(base_url + "/prices").json()\n')
    (project / "app" / "client.py").write_text(grown)
    code, findings = _check(project, baseline, capsys)
    assert code == 1
    lines = grown.splitlines()
    reported = sorted((f["rule"], f["line"], lines[f["line"] - 1].strip()) for f in findings)
    assert [(rule, text) for rule, _, text in reported] == [
        ("PG101", 'stock = requests.get(base_url + "/stock").json()'),
        ("PG101", 'prices = requests.get(base_url + "/prices").json()'),  # the second, identical call is new
    ]
    first_call = lines.index('    prices = requests.get(base_url + "/prices").json()') + 1
    assert first_call not in {line for _, line, _ in reported}  # the known one stays matched


def test_recreating_the_baseline_of_an_unchanged_tree_writes_the_same_bytes(tmp_path: Path) -> None:
    project = _project(tmp_path / "shop")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main(["baseline", "create", str(project), "-o", str(first), "--no-cache"]) == 0
    assert main(["baseline", "create", str(project), "-o", str(second), "--no-cache"]) == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(("content", "expected"), [
    (None, "cannot read the baseline: No such file or directory"),
    ("{not json", "not a JSON baseline"),
    ('{"findings": []}', 'not a prodgate baseline (expected "schema": "prodgate-baseline/1"'),
    ('{"schema": "prodgate-baseline/1", "findings": [{"rule": "PG101", "path": "a.py"}]}',
     "invalid baseline entry: missing key 'fingerprint'"),
    ('{"schema": "prodgate-baseline/1", "findings": [{"fingerprint": "f", "rule": "PG101", "path": "a.py", '
     '"count": 0}]}', "count must be a positive integer"),
])
def test_a_bad_baseline_is_a_one_line_error(content: str | None, expected: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "shop")
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content)
    assert main(["check", str(project), "--baseline", str(baseline)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and expected in captured.err
    assert captured.err.startswith(f"prodgate: error: {baseline}: ")


def test_baseline_without_an_action_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline"]) == 2
    assert "create" in capsys.readouterr().err


def _finding(fingerprint: str, line: int) -> Finding:
    return Finding("PG101", "resilience.timeout", Severity.HIGH, Confidence.HIGH, "app/client.py", line, 1, line, 9,
                   "`requests.get` has no timeout.", (400,), fingerprint)


_fingerprints = st.lists(st.sampled_from("abcdef"), max_size=12)


@given(current=_fingerprints, known=_fingerprints)
def test_filter_new_keeps_exactly_what_the_baseline_does_not_absorb(current: list[str], known: list[str]) -> None:
    findings = [_finding(fp, line) for line, fp in enumerate(current, start=1)]
    baseline = baseline_of(_finding(fp, 0) for fp in known)
    new = filter_new(findings, baseline)
    assert Counter(f.fingerprint for f in new) == Counter(current) - Counter(known)
    assert list(new) == [f for f in findings if f in new]  # order kept
    assert baseline.findings == len(known)


def test_counts_of_entries_add_up() -> None:
    baseline = Baseline((BaselineEntry("a", "PG101", "x.py", 2), BaselineEntry("a", "PG101", "y.py", 1)))
    findings = [_finding("a", n) for n in range(1, 5)]
    assert filter_new(findings, baseline) == (findings[3],)
