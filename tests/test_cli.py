"""`prodgate check`, `rules` and `explain` end to end through the CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodgate.cli.main import main

SERVICE = textwrap.dedent('''
    import requests
    from requests import get as fetch

    def charge(payload):
        return requests.post("https://pay/charges", json=payload)

    def status(url):
        return fetch(url)  # prodgate: ignore[PG101] health probe, the caller bounds it with a thread timeout

    def refund(url):
        return fetch(url)  # prodgate: ignore[PG101]
''')


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'svc'\nrequires-python = '>=3.11'\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "__init__.py").write_text("")
    (tmp_path / "svc" / "payments.py").write_text(SERVICE)
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_findings_suppressions_and_exit_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, str(project), "--select", "PG101", "--no-cache")
    assert code == 1
    assert [(f["path"], f["line"], f["rule"]) for f in report["findings"]] == [
        ("svc/payments.py", 6, "PG101"),
        ("svc/payments.py", 12, "PG101"),  # a suppression without a reason does not take effect
    ]
    finding = report["findings"][0]
    assert finding["category"] == "resilience.timeout"
    assert finding["severity"] == "high" and finding["cwe"] == [1088, 400]
    assert (finding["column"], finding["end_line"], finding["end_column"]) == (12, 6, 62)
    assert len(finding["fingerprint"]) == 32
    kinds = [(d["line"], d["kind"]) for d in report["diagnostics"]]
    assert kinds == [(12, "suppression-without-reason")]


def test_fail_on_threshold_and_exit_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_json(capsys, str(project), "--select", "PG101", "--fail-on", "critical", "--no-cache")
    assert code == 0
    code, _ = run_json(capsys, str(project), "--select", "PG101", "--exit-zero", "--no-cache")
    assert code == 0


def test_the_more_specific_of_select_and_ignore_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, report = run_json(capsys, str(project), "--select", "resilience", "--ignore", "resilience.timeout", "--no-cache")
    assert report["findings"] == []
    _, report = run_json(capsys, str(project), "--select", "PG101", "--ignore", "resilience", "--no-cache")
    assert {f["rule"] for f in report["findings"]} == {"PG101"}


def test_unknown_selection_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project), "--select", "resilence"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "prodgate: error: select: 'resilence' matches no rule code, category or tag"


@pytest.mark.parametrize(("config", "message"), [
    ("[tool.prodgate]\nfail-on = 'severe'\n",
     "tool.prodgate.fail-on: unknown severity 'severe'; expected one of info, low, medium, high, critical"),
    ("[tool.prodgate]\njbos = 2\n", "tool.prodgate.jbos: unknown key; expected one of:"),
    ("[tool.prodgate.rules.PG101]\nseverty = 'low'\n", "tool.prodgate.rules.PG101.severty: unknown key"),
    ("[tool.prodgate\n", "invalid TOML"),
])
def test_bad_configuration_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_rule_severity_override_from_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (project / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.prodgate.rules.PG101]\nseverity = 'low'\n")
    code, report = run_json(capsys, str(project), "--select", "PG101", "--no-cache")
    assert code == 0
    assert {f["severity"] for f in report["findings"]} == {"low"}


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_warm_cache_gives_identical_results(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, cold = run_json(capsys, str(project), "--select", "PG101")
    _, warm = run_json(capsys, str(project), "--select", "PG101")
    assert cold["summary"]["cached_files"] == 0
    assert warm["summary"]["cached_files"] == 2
    assert warm["findings"] == cold["findings"]
    assert (project / ".prodgate_cache" / ".gitignore").read_text().endswith("*\n")


def test_rules_json_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert len(rules) >= 1
    first = next(r for r in rules if r["code"] == "PG101")
    assert first["name"] == "http-call-without-timeout"
    assert first["category"] == "resilience.timeout" and first["severity"] == "high"


def test_explain_prints_docs_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "http-call-without-timeout"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# PG101 http-call-without-timeout\n")
    assert "## Why is this bad" in page and "## Flagged examples" in page and "# error: PG101" in page
    assert main(["explain", "PG999"]) == 2


def test_console_script_runs_as_a_module(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "prodgate", "check", str(project), "--select", "PG101",
                           "--format", "json", "--no-cache"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert len(json.loads(done.stdout)["findings"]) == 2
