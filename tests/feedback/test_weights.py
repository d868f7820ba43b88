"""Learned weights: categories that caused incidents raise their findings' severity, bounded and explained,
and the gate's policy judges the raised severity."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from governance.conftest import Repo

from prodgate.cli.main import main
from prodgate.core.config import ConfigError, load_config
from prodgate.core.finding import Confidence, Finding, Severity
from prodgate.feedback.store import RecordedGroup
from prodgate.feedback.weights import apply_weights, learned_weights, weights_for
from prodgate.governance.ledger import Ledger

from .conftest import PROD, incident_files

SETTINGS = {"learn": True, "window-days": 30, "high-after": 1, "critical-after": 5, "max-severity": None}


def _group(category: str, recent: int, caught_by: tuple[str, ...] = ()) -> RecordedGroup:
    return RecordedGroup(f"fp-{category}-{recent}", "KeyError", "'id'", category, "why", "a.py", "f", 1, recent + 2,
                         recent, None, None, caught_by)


def _finding(category: str, severity: Severity, rule: str = "PG120") -> Finding:
    return Finding(rule, category, severity, Confidence.HIGH, "a.py", 3, 1, 3, 9, "m", (), "fp")


def test_incidents_in_the_window_raise_a_category_and_say_why() -> None:
    weights = learned_weights([_group("resilience.timeout", 2, ("PG101",)), _group("resilience.timeout", 1),
                               _group("data.idempotency", 5), _group("dynamic.crash", 0)], SETTINGS)
    assert {c: (w.severity, w.explanation, w.rules) for c, w in weights.items()} == {
        "resilience.timeout": (Severity.HIGH, "raised to high: 3 incidents in 30 days", ("PG101",)),
        "data.idempotency": (Severity.CRITICAL, "raised to critical: 5 incidents in 30 days", ()),
    }


def test_weights_are_bounded_and_can_be_switched_off() -> None:
    groups = [_group("data.idempotency", 9)]
    assert learned_weights(groups, {**SETTINGS, "max-severity": Severity.HIGH})["data.idempotency"].severity == Severity.HIGH
    assert learned_weights(groups, {**SETTINGS, "critical-after": 0})["data.idempotency"].severity == Severity.HIGH
    assert learned_weights(groups, {**SETTINGS, "high-after": 10, "critical-after": 0}) == {}
    assert learned_weights(groups, {**SETTINGS, "learn": False}) == {}


def test_only_raises_never_lowers() -> None:
    weights = learned_weights([_group("resilience.timeout", 1)], SETTINGS)
    low, critical, other = (_finding("resilience.timeout", Severity.LOW), _finding("resilience.timeout", Severity.CRITICAL),
                            _finding("dynamic.crash", Severity.LOW))
    raised, kept, untouched = apply_weights([low, critical, other], weights)
    assert raised.severity == Severity.HIGH
    assert dict(raised.properties) == {"learned-severity": "raised to high: 1 incident in 30 days", "original-severity": "low"}
    assert (kept, untouched) == (critical, other)


def test_weights_come_from_the_ledger_window(tmp_path: Path, service: Path) -> None:
    project = service
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[tool.prodgate.feedback]\nwindow-days = 7\n")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert main(["incidents", "ingest", *map(str, incident_files()), "--project", str(project), "--database", url,
                 "--no-check", "--format", "json"]) == 0
    recorded_at = max(datetime.fromisoformat(json.loads(line)["timestamp"])
                      for line in (PROD / "py3.13" / "service.jsonl").read_text(encoding="utf-8").splitlines())
    config = load_config(project)
    with Ledger.open(url, project) as ledger:
        soon = weights_for(config, ledger, recorded_at + timedelta(days=1))
        later = weights_for(config, ledger, recorded_at + timedelta(days=30))
    assert soon["security.input-validation"].explanation == "raised to critical: 20 incidents in 7 days"
    assert soon["resilience.retry"].severity == Severity.CRITICAL
    assert later == {}


def test_a_project_without_a_ledger_has_no_weights_and_creates_none(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert weights_for(load_config(tmp_path), now=datetime.now(timezone.utc)) == {}
    assert not (tmp_path / ".prodgate").exists()


@pytest.mark.parametrize(("toml", "message"), [
    ("window-days = 0", "tool.prodgate.feedback.window-days: expected at least 1 day"),
    ("max-severity = 'huge'", "tool.prodgate.feedback.max-severity"),
    ("learn = 'yes'", "tool.prodgate.feedback.learn: expected true or false"),
    ("raise = 1", "tool.prodgate.feedback.raise: unknown key"),
])
def test_bad_settings_are_rejected_with_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.prodgate.feedback]\n{toml}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_config(tmp_path)


CLIENT = """\
import requests


def fetch_stock(base_url):
    return requests.get(f"{base_url}/stock", timeout=2).json()
"""


def test_the_gate_fails_a_finding_raised_by_a_production_incident(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = Repo(tmp_path / "repo")
    repo.write("pyproject.toml", "[project]\nname = 'shop'\n\n[tool.prodgate]\nselect = ['PG120']\n\n"
                                 "[tool.prodgate.feedback]\nwindow-days = 36500\n")
    repo.write("shop/__init__.py", "")
    repo.write(".gitignore", ".prodgate_cache/\n.prodgate/\n")
    repo.commit("Initial shop", author="Grace Hopper <grace@example.com>")
    repo.branch("feature")
    repo.write("shop/clients.py", CLIENT)
    repo.commit("Read the stock", author="Grace Hopper <grace@example.com>")

    def gate() -> tuple[int, dict]:
        code = main(["gate", str(repo.root), "--format", "json", "--no-cache", "--jobs", "1"])
        return code, json.loads(capsys.readouterr().out)

    code, before = gate()
    assert (code, before["verdict"], [f["severity"] for f in before["findings"]]) == (0, "pass", ["medium"])
    assert main(["incidents", "ingest", str(PROD / "pyvenv" / "service.jsonl"), str(PROD / "pyvenv" / "crash.log"),
                 "--project", str(repo.root), "--no-check"]) == 0
    capsys.readouterr()
    code, after = gate()
    [finding] = after["findings"]
    assert (code, after["verdict"], finding["severity"]) == (1, "fail", "high")
    assert finding["properties"]["learned-severity"] == "raised to high: 1 incident in 36500 days"
