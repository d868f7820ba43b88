"""`prodgate ledger list|show|export` on ledgers that `prodgate gate` and the API wrote, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from prodgate.cli.main import main
from prodgate.governance.ledger import Ledger

from .conftest import Repo
from .ledger_runs import realistic_run

PYPROJECT = """\
[project]
name = "shop"

[tool.prodgate]
select = ["PG101"]

[tool.prodgate.policy.high]
fail-on = "medium"
"""

REFUND = """\
import requests


def refund(charge_id: str) -> dict:
    response = requests.post(f"https://api.example.com/refunds/{charge_id}")
    return response.json()
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_gate_run_is_recorded_and_shown_as_the_gate_reported_it(
        repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("pyproject.toml", PYPROJECT)
    repo.write("payments/__init__.py", "")
    repo.commit("Initial shop", author="Grace Hopper <grace@example.com>")
    repo.branch("feature")
    repo.write("payments/refund.py", REFUND)
    repo.commit("Add refunds\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author="Ada <ada@example.com>")

    code, out, _ = _run(capsys, "gate", str(repo.root), "--format", "json", "--no-cache", "--jobs", "1")
    assert code == 1
    gate = json.loads(out)
    monkeypatch.chdir(repo.root)

    code, out, _ = _run(capsys, "ledger", "list", "--format", "json")
    assert code == 0
    [listed] = json.loads(out)
    assert (listed["verdict"], listed["base"], listed["head"]) == ("fail", gate["base"], gate["head"])
    assert (listed["findings"], listed["changes"], listed["unmet"]) == (1, 1, len(gate["unmet"]))

    code, out, _ = _run(capsys, "ledger", "show", str(listed["id"]), "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert shown["findings"] == gate["findings"]
    assert [(c["path"], c["tier"], c["reasons"], c["provenance"]) for c in shown["changes"]] == [
        (c["path"], c["tier"], c["reasons"], c["provenance"]) for c in gate["changes"]]
    assert shown["approvals"] == gate["approvals"] == []
    assert shown["properties"]["branch"] == "feature"
    assert len(shown["unmet"]) == len(gate["unmet"]) and "PG101" in shown["unmet"][0]

    code, out, _ = _run(capsys, "ledger", "show", str(listed["id"]))
    assert code == 0
    assert out.startswith(f"gate run {listed['id']}: FAIL  ")
    assert "payments/refund.py" in out and "claude-code" in out

    code, _, _ = _run(capsys, "gate", str(repo.root), "--format", "json", "--no-cache", "--jobs", "1", "--no-ledger")
    assert code == 1
    assert len(json.loads(_run(capsys, "ledger", "list", "--format", "json")[1])) == 1


def _ledger_with_runs(tmp_path: Path, verdicts: list[str]) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    with Ledger.open(url, tmp_path) as ledger:
        for sequence, verdict in enumerate(verdicts):
            ledger.record(realistic_run(verdict, sequence=sequence))
    return url


def test_list_text_filters_and_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _ledger_with_runs(tmp_path, ["pass", "fail", "warn", "fail"])
    code, out, _ = _run(capsys, "ledger", "list", "--database", url, "--verdict", "fail", "--limit", "1")
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == ["ID", "STARTED", "(UTC)", "VERDICT", "REPOSITORY", "RANGE", "CHANGES", "FINDINGS", "UNMET"]
    assert row.split() == ["4", "2026-03-14", "09:26:56", "fail", "acme/payments", "3f2c9b8a7d..9a8b7c6d5e", "3", "3", "2"]
    code, out, _ = _run(capsys, "ledger", "list", "--database", url, "--format", "json", "--offset", "1")
    assert [r["id"] for r in json.loads(out)] == [3, 2, 1]


def test_list_of_an_empty_ledger_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert _run(capsys, "ledger", "list", "--database", url) == (0, f"no gate runs recorded in {url}\n", "")


def test_show_prints_every_part_of_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _ledger_with_runs(tmp_path, ["fail"])
    code, out, _ = _run(capsys, "ledger", "show", "1", "--database", url)
    assert code == 0
    for expected in ("gate run 1: FAIL  acme/payments 3f2c9b8a7d..9a8b7c6d5e",
                     "started 2026-03-14T09:26:53.589793Z, took 2.72 s",
                     "prodgate 0.1.0, configuration c0ffee00deadbeef", "branch: feature/refunds",
                     "changes (3):", "high    payments/charge.py   claude-code (score 95, 100% of changed lines)",
                     "findings (3):", "payments/refunds.py:18:9 PG701 critical SQL built from request data",
                     "unmet conditions (2):", "approvals: Grace Hopper <grace@example.com>"):
        assert expected in out


def test_export_writes_every_run_in_the_documented_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          repo_root: Path) -> None:
    url = _ledger_with_runs(tmp_path, ["pass", "warn", "fail"])
    output = tmp_path / "audit.json"
    code, out, err = _run(capsys, "ledger", "export", "--database", url, "--output", str(output))
    assert (code, out) == (0, "")
    assert err == f"prodgate: exported 3 gate runs to {output}\n"
    document = json.loads(output.read_text())
    jsonschema.validate(document, json.loads((repo_root / "docs" / "ledger-export.schema.json").read_text()))
    assert [(r["id"], r["verdict"]) for r in document["runs"]] == [(1, "pass"), (2, "warn"), (3, "fail")]
    assert document["database"] == url
    finding = document["runs"][2]["findings"][0]
    assert (finding["rule"], finding["fingerprint"], finding["cwe"]) == ("PG101", "5f0c1d9e8a7b6c5d4e3f2a1b0c9d8e7f",
                                                                         [400, 1088])
    assert finding["fix"] == {"title": "Add `timeout=`", "applicability": "unsafe", "replacement": None}


def test_an_unknown_run_id_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _ledger_with_runs(tmp_path, ["pass"])
    assert _run(capsys, "ledger", "show", "42", "--database", url) == (
        2, "", f"prodgate: error: no gate run with id 42 in the ledger {url}\n")


def test_an_unreachable_database_is_one_line_exit_2_without_the_password(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODGATE_DATABASE_URL", "postgresql://auditor:s3cr3t-pw@127.0.0.1:1/ledger")
    for argv in (["list"], ["show", "1"], ["export"]):
        code, out, err = _run(capsys, "ledger", *argv)
        assert (code, out) == (2, "")
        assert err.startswith("prodgate: error: cannot open the ledger database "
                              "postgresql+psycopg://auditor:***@127.0.0.1:1/ledger: ")
        assert err.count("\n") == 1 and "s3cr3t-pw" not in err


@pytest.mark.parametrize("argv", [["ledger"], ["ledger", "list", "--limit", "-1"], ["ledger", "show", "x"],
                                  ["ledger", "list", "--verdict", "maybe"]])
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err
