"""``prodgate incidents ingest`` end to end: the JSON report, the ledger, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prodgate.cli.main import main
from prodgate.core.config import load_config
from prodgate.feedback.store import recorded
from prodgate.governance.ledger import Ledger

from .conftest import PROD, SERVICE, expected, incident_files


def _ingest(capsys: pytest.CaptureFixture[str], project: Path, *extra: str) -> dict[str, Any]:
    argv = ["incidents", "ingest", *(str(f) for f in incident_files()), "--project", str(project),
            "--format", "json", *extra]
    assert main(argv) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_json_report_lists_groups_with_their_code_category_and_sources(capsys: pytest.CaptureFixture[str],
                                                                        service: Path) -> None:
    report = _ingest(capsys, service, "--no-ledger")
    groups = report["groups"]
    assert isinstance(groups, list) and report["skipped"] == []
    wanted = {(str(PROD / e["file"]), e["record"]): e for e in expected()}
    for group in groups:
        assert set(group) >= {"fingerprint", "category", "path", "function", "count", "sources"}
        truth = [wanted[(s["file"], s["record"])] for s in group["sources"]]
        assert {(t["category"], t["path"], t["function"]) for t in truth} == {(group["category"], group["path"], group["function"])}
        assert group["count"] == len(group["sources"])
    assert report["summary"] == {"incidents": len(wanted), "groups": len(groups), "skipped": 0, "caught": 2,
                                 "gaps": len(groups) - 2, "stored": None}


def test_groups_are_stored_in_the_ledger_once(capsys: pytest.CaptureFixture[str], ledger_url: str) -> None:
    first = _ingest(capsys, SERVICE, "--database", ledger_url, "--no-check")
    again = _ingest(capsys, SERVICE, "--database", ledger_url, "--no-check")
    assert first["summary"]["stored"] == len(expected())
    assert again["summary"]["stored"] == 0
    with Ledger.open(ledger_url, SERVICE) as ledger:
        groups = recorded(ledger)
    assert sorted(g.fingerprint for g in groups) == sorted(g["fingerprint"] for g in first["groups"])
    by_fingerprint = {g["fingerprint"]: g for g in first["groups"]}
    for group in groups:
        reported = by_fingerprint[group.fingerprint]
        assert (group.category, group.path, group.function, group.count) == (
            reported["category"], reported["path"], reported["function"], reported["count"])


def test_the_default_ledger_is_the_projects(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    argv = ["incidents", "ingest", str(PROD / "py3.13" / "service.log"), "--project", str(service), "--no-check"]
    assert main(argv) == 0
    assert "stored in the ledger: " in capsys.readouterr().out
    with Ledger.for_config(load_config(service)) as ledger:
        assert recorded(ledger)
    assert (service / ".prodgate" / "ledger.db").is_file()


def test_text_report_names_the_gaps(capsys: pytest.CaptureFixture[str], service: Path) -> None:
    argv = ["incidents", "ingest", str(PROD / "py3.11" / "service.log"), "--project", str(service), "--no-ledger"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "group(s) no rule would have caught (rules to write):" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["incidents", "ingest", "missing.log", "--no-ledger"], "missing.log: no such file"),
    (["incidents", "ingest", "x.log", "--project", "/nonexistent-dir"], "--project /nonexistent-dir: not a directory"),
    (["incidents", "ingest", str(PROD / "py3.10" / "crash.log"), "--project", str(SERVICE), "--database", "nonsense"],
     "not a database URL"),
    (["incidents"], "usage: prodgate incidents"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err
