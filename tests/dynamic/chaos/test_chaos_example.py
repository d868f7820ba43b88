"""``prodgate chaos`` on the example order service reports exactly the hand-written expectation:
every unhardened (call site, fault) pair, none of the hardened ones, in every report format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prodgate.cli.main import main
from prodgate.core.result import RunResult
from prodgate.dynamic.chaos.plan import FaultPlan
from prodgate.dynamic.chaos.runner import chaos
from prodgate.report import FORMATS, render

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "order-service"


def _expected() -> set[tuple[str, str, str]]:
    lines = (EXAMPLE / "chaos-expected.txt").read_text(encoding="utf-8").splitlines()
    return {tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")}  # type: ignore[misc]


@pytest.fixture(scope="module")
def result() -> RunResult:
    with pytest.MonkeyPatch.context() as patch:
        # The example needs no pytest plugins; not importing them keeps each child fast.
        patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        return chaos(EXAMPLE, plan=FaultPlan(deadline=3.0))


def test_report_matches_the_hand_written_expectation(result: RunResult) -> None:
    found = {(f.rule, f"{f.path}:{f.line}", f.properties["fault"]) for f in result.findings}
    assert found == _expected()
    assert not result.diagnostics


def test_findings_carry_fault_test_and_site(result: RunResult) -> None:
    for finding in result.findings:
        props = finding.properties
        assert props["site"] == f"{finding.path}:{finding.line}"
        assert props["test"].startswith("tests/test_orders.py::test_")
        assert props["reproduce"].endswith(f"--prodgate-fault {props['site']}:{props['fault']}")
    unhandled = [f for f in result.findings if f.rule == "PG950" and f.path == "order_service/payments.py"]
    assert {f.properties["escaped_at"] for f in unhandled} == {"order_service/service.py:27"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_report_format_renders_the_findings(result: RunResult, fmt: str) -> None:
    text = render(result, fmt)
    assert "payments.py" in text and "PG95" in text


def test_cli_reports_one_site_in_json_with_the_check_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    plan = tmp_path / "plan.toml"
    plan.write_text('sites = ["order_service/store.py:37"]\n')
    out = tmp_path / "report.json"
    code = main(["chaos", str(EXAMPLE), "--plan", str(plan), "-f", "json", "-o", str(out), "--no-progress"])
    assert code == 1
    findings = json.loads(out.read_text())["findings"]
    assert {(f["rule"], f["properties"]["fault"]) for f in findings} == {("PG950", "db-locked"), ("PG950", "db-operational")}
    assert main(["chaos", str(EXAMPLE), "--plan", str(plan), "-f", "json", "-o", str(out), "--exit-zero", "--no-progress"]) == 0


def test_cli_refuses_xdist_with_a_one_line_error(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert main(["chaos", str(EXAMPLE), "--no-progress", "--", "-p", "xdist", "-n", "2"]) == 2
    err = capsys.readouterr().err
    assert "cannot run under pytest-xdist" in err and err.count("\n") == 1


@pytest.mark.parametrize(("plan", "message"), [
    ('faults = ["meteor-strike"]\n', "unknown fault 'meteor-strike'"),
    ("deadline = -1\n", "deadline"),
    ("retries = 3\n", "retries: unknown key"),
    ("[site.'a.py:1']\nbudget = 1\n", "budget: unknown key"),
    ("faults = [\n", "cannot read the fault plan"),
])
def test_bad_plans_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], plan: str, message: str) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(plan)
    assert main(["chaos", str(EXAMPLE), "--plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_missing_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chaos", str(tmp_path / "nowhere")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_a_directory_without_tests_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (tmp_path / "app.py").write_text("x = 1\n")
    assert main(["chaos", str(tmp_path), "--no-progress"]) == 2
    assert "collected no tests" in capsys.readouterr().err
