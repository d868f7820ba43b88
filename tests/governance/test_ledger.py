"""The audit ledger on SQLite and PostgreSQL: round trips, atomic writes, listing, export, migrations, URLs."""

from __future__ import annotations

import dataclasses
import string
from datetime import timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from prodgate.core.config import ConfigError, load_config
from prodgate.core.finding import (
    Applicability,
    Confidence,
    Finding,
    Fix,
    FlowStep,
    Location,
    Properties,
    Severity,
)
from prodgate.governance.ledger import Ledger, LedgerError, record, run_row
from prodgate.governance.ledger_migrations import head_revision
from prodgate.governance.ledger_schema import LedgerBase
from prodgate.governance.records import Attribution, Change, GateRun

from .ledger_runs import realistic_run


def test_a_realistic_run_reads_back_equal(ledger_url: str, tmp_path: Path) -> None:
    run = realistic_run()
    with Ledger.open(ledger_url, tmp_path) as ledger:
        run_id = ledger.record(run)
        recorded = ledger.run(run_id)
    assert recorded is not None
    assert recorded.id == run_id
    assert recorded.run == run
    assert recorded.run.started_at.tzinfo is not None
    assert recorded.recorded_at >= run.started_at


def test_an_unknown_run_id_is_none(ledger_url: str, tmp_path: Path) -> None:
    with Ledger.open(ledger_url, tmp_path) as ledger:
        ledger.record(realistic_run())
        assert ledger.run(999) is None


def _all_stored_text(ledger: Ledger) -> str:
    def dump(session: Session) -> str:
        return "\n".join(str(row) for table in ("gate_runs", "gate_changes", "gate_findings")
                         for row in session.execute(text(f"SELECT * FROM {table}")))
    return ledger.read(dump)


def test_a_fix_replacement_is_source_code_and_never_stored(ledger_url: str, tmp_path: Path) -> None:
    run = realistic_run()
    replacement = 'stripe.api_key = os.environ["STRIPE_KEY"]  # was sk_live_4eC39HqLyjWDarjtT1zdp7dc'
    secret = dataclasses.replace(run.findings[2], fix=Fix("Read the key from the environment",
                                                          Applicability.UNSAFE, None, replacement))
    with Ledger.open(ledger_url, tmp_path) as ledger:
        run_id = ledger.record(dataclasses.replace(run, findings=(*run.findings[:2], secret)))
        stored = _all_stored_text(ledger)
        recorded = ledger.run(run_id)
    assert "sk_live_4eC39" not in stored
    assert "Read the key from the environment" in stored
    assert recorded is not None
    fix = recorded.run.findings[2].fix
    assert fix == Fix("Read the key from the environment", Applicability.UNSAFE, None, None)


def test_a_write_that_fails_midway_stores_nothing(ledger_url: str, tmp_path: Path) -> None:
    with Ledger.open(ledger_url, tmp_path) as ledger:
        ledger.record(realistic_run())

        def half_then_fail(session: Session) -> None:
            session.add(run_row(realistic_run()))
            session.flush()  # the run, its changes and its findings are sent to the database...
            raise RuntimeError("the CI job was cancelled")  # ...and then the transaction is abandoned

        with pytest.raises(RuntimeError, match="cancelled"):
            ledger.write(half_then_fail)
        assert ledger.count() == {"runs": 1, "changes": 3, "findings": 3}


def test_runs_are_listed_newest_first_with_filters_and_paging(ledger_url: str, tmp_path: Path) -> None:
    verdicts = ["pass", "fail", "warn", "fail", "pass", "fail"]
    with Ledger.open(ledger_url, tmp_path) as ledger:
        ids = [ledger.record(realistic_run(v, sequence=i)) for i, v in enumerate(verdicts)]
        everything = ledger.runs(limit=100)
        failed = ledger.runs(limit=100, verdict="fail")
        page = ledger.runs(limit=2, offset=1)
    assert [s.id for s in everything] == ids[::-1]
    assert [s.id for s in failed] == [ids[5], ids[3], ids[1]]
    assert [s.id for s in page] == [ids[4], ids[3]]
    newest = everything[0]
    assert (newest.verdict, newest.changes, newest.findings, newest.unmet) == ("fail", 3, 3, 2)
    assert (newest.repository, newest.version) == ("acme/payments", "0.1.0")
    assert newest.started_at.tzinfo == timezone.utc


def test_export_gives_every_run_oldest_first_across_batches(ledger_url: str, tmp_path: Path) -> None:
    with Ledger.open(ledger_url, tmp_path) as ledger:
        runs = [realistic_run(sequence=i) for i in range(7)]
        ids = [ledger.record(r) for r in runs]
        exported = list(ledger.export(batch=3))
    assert [r.id for r in exported] == ids
    assert [r.run for r in exported] == runs


def test_the_migrations_build_exactly_the_models(ledger_url: str, tmp_path: Path) -> None:
    Ledger.open(ledger_url, tmp_path).close()
    engine = create_engine(ledger_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, LedgerBase.metadata) == []
        assert context.get_current_revision() == head_revision()
    engine.dispose()


def test_opening_again_keeps_the_runs(ledger_url: str, tmp_path: Path) -> None:
    with Ledger.open(ledger_url, tmp_path) as ledger:
        run_id = ledger.record(realistic_run())
    with Ledger.open(ledger_url, tmp_path) as ledger:
        assert ledger.run(run_id) is not None
        assert ledger.count()["runs"] == 1


def test_a_database_from_a_newer_prodgate_is_refused(ledger_url: str, tmp_path: Path) -> None:
    Ledger.open(ledger_url, tmp_path).close()
    engine = create_engine(ledger_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(LedgerError, match=r"schema revision 9999, which this prodgate does not know"):
        Ledger.open(ledger_url, tmp_path)


def test_the_default_ledger_is_sqlite_in_the_project_and_stays_out_of_git(tmp_path: Path) -> None:
    with Ledger.open(None, tmp_path) as ledger:
        ledger.record(realistic_run())
        assert ledger.url == f"sqlite:///{tmp_path / '.prodgate' / 'ledger.db'}"
    assert (tmp_path / ".prodgate" / "ledger.db").is_file()
    assert (tmp_path / ".prodgate" / ".gitignore").read_text().splitlines()[1:] == ["ledger.db", "ledger.db-*"]


def _project(root: Path, table: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[project]\nname = 'shop'\n\n[tool.prodgate.ledger]\n{table}\n")
    return root


def test_the_configured_url_is_used_and_relative_sqlite_paths_start_at_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path / "shop", 'url = "sqlite:///audit/runs.db"')
    monkeypatch.chdir(tmp_path)
    run_id = record(realistic_run(), load_config(project))
    with Ledger.open(f"sqlite:///{project / 'audit' / 'runs.db'}", project) as ledger:
        assert ledger.run(run_id) is not None


def test_the_environment_url_wins_over_the_configured_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path / "shop", 'url = "sqlite:///configured.db"')
    monkeypatch.setenv("PRODGATE_DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    with Ledger.for_config(load_config(project)) as ledger:
        assert ledger.url == f"sqlite:///{tmp_path / 'from-env.db'}"
    with Ledger.for_config(load_config(project), f"sqlite:///{tmp_path / 'explicit.db'}") as ledger:
        assert ledger.url == f"sqlite:///{tmp_path / 'explicit.db'}"
    assert not (project / "configured.db").exists()


def test_an_unknown_ledger_key_is_rejected_by_name(tmp_path: Path) -> None:
    project = _project(tmp_path / "shop", 'uri = "sqlite:///x.db"')
    with pytest.raises(ConfigError, match=r"tool\.prodgate\.ledger\.uri: unknown key; expected one of: url"):
        load_config(project)


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(LedgerError) as raised:
        Ledger.open("postgresql://auditor:hunter2-secret@127.0.0.1:1/ledger", tmp_path)
    message = str(raised.value)
    assert "\n" not in message
    assert "hunter2-secret" not in message
    assert message.startswith("cannot open the ledger database postgresql+psycopg://auditor:***@127.0.0.1:1/ledger: ")


@pytest.mark.parametrize(("url", "expected"), [
    ("not a url", "not a database URL: 'not a url'"),
    ("mysql://root:pw1234@db/ledger", "mysql://root:***@db/ledger: its database driver is not installed"),
    ("nosuchdb://x/y", "cannot use the ledger database nosuchdb://x/y"),
])
def test_unusable_urls_are_clear_errors(url: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(LedgerError) as raised:
        Ledger.open(url, tmp_path)
    assert expected in str(raised.value)
    assert "pw1234" not in str(raised.value)


# Any run survives the trip: open-ended text (no NUL, which PostgreSQL text cannot hold), numbers and times.
_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
_short = st.text(string.ascii_letters + string.digits + "-_./:", min_size=1, max_size=32)
_line = st.integers(0, 2**31 - 1)
_location = st.builds(Location, _text, _line, _line, _line, _line)
_finding = st.builds(
    Finding, rule=_short, category=_short, severity=st.sampled_from(Severity), confidence=st.sampled_from(Confidence),
    path=_text, line=_line, column=_line, end_line=_line, end_column=_line, message=_text,
    cwe=st.lists(st.integers(1, 2000), max_size=3).map(tuple), fingerprint=_short,
    fix=st.none() | st.builds(Fix, _text, st.sampled_from(Applicability), st.none() | _location, st.none()),
    flow=st.lists(st.builds(FlowStep, _location, _text), max_size=2).map(tuple),
    properties=st.dictionaries(_text, _text, max_size=3).map(Properties))
_change = st.builds(
    Change, path=_text, tier=st.sampled_from(["low", "medium", "high"]),
    reasons=st.lists(_text, max_size=3).map(tuple),
    provenance=st.builds(Attribution, _short, st.integers(0, 100), st.lists(_text, max_size=2).map(tuple)),
    added_lines=st.lists(_line, max_size=5).map(tuple), ai_share=st.floats(0, 1))
_run = st.builds(
    GateRun, base=_short, head=_short, version=_short, config_hash=_short,
    verdict=st.sampled_from(["pass", "warn", "fail"]), unmet=st.lists(_text, max_size=3).map(tuple),
    changes=st.lists(_change, max_size=3).map(tuple), findings=st.lists(_finding, max_size=3).map(tuple),
    approvals=st.lists(_text, max_size=2).map(tuple),
    started_at=st.datetimes(timezones=st.just(timezone.utc)),
    duration=st.floats(0, 1e6, allow_nan=False), repository=_text,
    properties=st.dictionaries(_text, _text, max_size=3))


def test_any_run_reads_back_equal(ledger_url: str, tmp_path: Path) -> None:
    with Ledger.open(ledger_url, tmp_path) as ledger:
        @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(_run)
        def round_trip(run: GateRun) -> None:
            recorded = ledger.run(ledger.record(run))
            assert recorded is not None
            assert recorded.run == run

        round_trip()
