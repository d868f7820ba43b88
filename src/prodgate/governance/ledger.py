"""The audit ledger: every gate run, its inputs, findings, changes, verdict and approvals, in a database.

SQLite at ``.prodgate/ledger.db`` under the project root by default; any SQLAlchemy URL (PostgreSQL for
teams) from ``[tool.prodgate.ledger] url`` or ``PRODGATE_DATABASE_URL`` (the environment wins). The
schema is brought to its newest revision when the ledger opens. Each write is one transaction, retried
when SQLite is locked or PostgreSQL reports a serialization failure or deadlock, so concurrent CI jobs
lose nothing. A fix's replacement text is never stored: the ledger keeps source code out.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import URL, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from prodgate.core.config import Config
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
from prodgate.governance.ledger_migrations import SchemaError, upgrade
from prodgate.governance.ledger_schema import ChangeRow, FindingRow, GateRunRow
from prodgate.governance.ledger_settings import DATABASE_URL_ENV, DEFAULT_PATH
from prodgate.governance.records import Attribution, Change, GateRun

SQLITE_BUSY_TIMEOUT_MS = 30_000
MAX_ATTEMPTS = 12
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected
SQLITE_LOCKED = re.compile(r"database (table )?is (locked|busy)")

T = TypeVar("T")


class LedgerError(Exception):
    """The ledger cannot be opened, read or written; the message is one line and never shows a password."""


@dataclass(frozen=True)
class RecordedRun:
    """A gate run as the ledger holds it: its id, when it was stored, and the run itself."""

    id: int
    recorded_at: datetime
    run: GateRun


@dataclass(frozen=True)
class RunSummary:
    """One line of ``prodgate ledger list``."""

    id: int
    repository: str
    base: str
    head: str
    version: str
    verdict: str
    started_at: datetime
    duration: float
    changes: int
    findings: int
    unmet: int


def safe_url(url: URL | str) -> str:
    """The URL as text with its password masked."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def resolve_url(url: str | None, root: Path) -> URL:
    """The database URL to use: ``url``, else ``$PRODGATE_DATABASE_URL``, else SQLite under ``root``.

    ``postgresql://`` and ``postgres://`` use psycopg (v3); a relative SQLite path is taken from ``root``.
    """
    text = url or os.environ.get(DATABASE_URL_ENV) or ""
    if not text:
        return URL.create("sqlite", database=str(root / DEFAULT_PATH))
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise LedgerError(f"not a database URL: {safe_url(text)!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not database.startswith("file:") and not Path(database).is_absolute():
        parsed = parsed.set(database=str(root / database))
    return parsed


def _first_line(exc: BaseException, url: URL) -> str:
    """The first line of a database error, with the URL's password (if it appears as a word) masked."""
    if isinstance(exc, ImportError):
        return f"its database driver is not installed ({exc})"
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    text = reason[0] if reason else type(exc).__name__
    if url.password:
        text = re.sub(rf"(?<!\w){re.escape(str(url.password))}(?!\w)", "***", text)
    return text


def _is_retryable(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state in RETRYABLE_SQLSTATES or bool(SQLITE_LOCKED.search(str(exc.orig)))


def _connect_arguments(url: URL) -> dict[str, Any]:
    """PostgreSQL sessions in UTC, so stored times come back as they went in whatever the server's zone."""
    if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg" and "options" not in url.query:
        return {"options": "-c timezone=UTC"}
    return {}


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` so a writer holds the lock from its start."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _prepare_sqlite_directory(url: URL, root: Path) -> None:
    """Create the SQLite file's directory; the default one gets a .gitignore keeping the database out of git."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if path == root / DEFAULT_PATH and not ignore.exists():
        ignore.write_text(f"# written by prodgate: the audit ledger database stays out of git\n{path.name}\n{path.name}-*\n",
                          encoding="utf-8")


def _utc(moment: datetime) -> datetime:
    """Aware UTC: SQLite returns naive datetimes (stored as UTC), PostgreSQL aware ones."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _fix_data(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {"title": fix.title, "applicability": fix.applicability.value,
            "location": fix.location.as_data() if fix.location else None}


def _finding_row(position: int, finding: Finding) -> FindingRow:
    return FindingRow(
        position=position, rule=finding.rule, category=finding.category, severity=str(finding.severity),
        confidence=str(finding.confidence), path=finding.path, line=finding.line, column=finding.column,
        end_line=finding.end_line, end_column=finding.end_column, message=finding.message, cwe=list(finding.cwe),
        fingerprint=finding.fingerprint, fix=_fix_data(finding.fix),
        flow=[{"location": s.location.as_data(), "message": s.message} for s in finding.flow],
        properties=dict(finding.properties))


def _change_row(position: int, change: Change) -> ChangeRow:
    found = change.provenance
    return ChangeRow(
        position=position, path=change.path, tier=change.tier, reasons=list(change.reasons),
        provenance_tool=found.tool, provenance_score=found.score, provenance_signals=list(found.signals),
        added_lines=list(change.added_lines), ai_share=change.ai_share)


def _finding(row: FindingRow) -> Finding:
    fix = None
    if row.fix is not None:
        where = row.fix.get("location")
        fix = Fix(row.fix["title"], Applicability(row.fix["applicability"]), Location.from_data(where) if where else None)
    return Finding(
        rule=row.rule, category=row.category, severity=Severity.parse(row.severity),
        confidence=Confidence.parse(row.confidence), path=row.path, line=row.line, column=row.column,
        end_line=row.end_line, end_column=row.end_column, message=row.message, cwe=tuple(row.cwe),
        fingerprint=row.fingerprint, fix=fix,
        flow=tuple(FlowStep(Location.from_data(s["location"]), s["message"]) for s in row.flow),
        properties=Properties(row.properties))


def _change(row: ChangeRow) -> Change:
    return Change(row.path, row.tier, tuple(row.reasons),
                  Attribution(row.provenance_tool, row.provenance_score, tuple(row.provenance_signals)),
                  tuple(row.added_lines), row.ai_share)


def _recorded(row: GateRunRow) -> RecordedRun:
    run = GateRun(
        base=row.base, head=row.head, version=row.version, config_hash=row.config_hash, verdict=row.verdict,
        unmet=tuple(row.unmet), changes=tuple(_change(c) for c in row.changes),
        findings=tuple(_finding(f) for f in row.findings), approvals=tuple(row.approvals),
        started_at=_utc(row.started_at), duration=row.duration, repository=row.repository,
        properties=dict(row.properties))
    return RecordedRun(row.id, _utc(row.recorded_at), run)


def run_row(run: GateRun) -> GateRunRow:
    """The rows of ``run``, ready to add to a session."""
    return GateRunRow(
        repository=run.repository, base=run.base, head=run.head, version=run.version,
        config_hash=run.config_hash, verdict=run.verdict, started_at=_utc(run.started_at),
        duration=run.duration, recorded_at=datetime.now(timezone.utc), unmet=list(run.unmet),
        approvals=list(run.approvals), properties=dict(run.properties),
        changes=[_change_row(i, c) for i, c in enumerate(run.changes)],
        findings=[_finding_row(i, f) for i, f in enumerate(run.findings)])


class Ledger:
    """An open ledger database. ``Ledger.open`` migrates it; ``write`` is the generic transactional path."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        return safe_url(self.engine.url)

    @classmethod
    def open(cls, url: str | None, root: Path) -> Ledger:
        """Open (creating and migrating when needed) the ledger at ``url`` (see ``resolve_url``)."""
        resolved = resolve_url(url, root)
        try:
            engine = create_engine(resolved, connect_args=_connect_arguments(resolved))
        except (ArgumentError, NoSuchModuleError, ImportError) as exc:
            raise LedgerError(f"cannot use the ledger database {safe_url(resolved)}: {_first_line(exc, resolved)}") \
                from None
        if resolved.get_backend_name() == "sqlite":
            _configure_sqlite(engine)
        ledger = cls(engine)
        try:
            _prepare_sqlite_directory(resolved, root)
            ledger._retrying(lambda: upgrade(engine))
        except SchemaError as exc:
            engine.dispose()
            raise LedgerError(f"cannot use the ledger database {ledger.url}: {exc}") from None
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise LedgerError(f"cannot open the ledger database {ledger.url}: {_first_line(exc, resolved)}") from None
        return ledger

    @classmethod
    def for_config(cls, config: Config, url: str | None = None) -> Ledger:
        """The ledger of a project: ``url``, else ``$PRODGATE_DATABASE_URL``, else ``[tool.prodgate.ledger] url``."""
        configured = config.section("ledger").get("url") or None
        return cls.open(url or os.environ.get(DATABASE_URL_ENV) or configured, config.root)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _retrying(self, attempt: Callable[[], T]) -> T:
        for number in range(1, MAX_ATTEMPTS + 1):
            try:
                return attempt()
            except DBAPIError as exc:
                if number == MAX_ATTEMPTS or not _is_retryable(exc):
                    raise
                time.sleep(min(2.0, 0.02 * 2 ** number) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction (all of it is stored or none), retried when the database is busy.

        ``work`` may run more than once, so it must only touch the session. Other stages store their own
        records through this.
        """
        def attempt() -> T:
            with Session(self.engine) as session, session.begin():
                return work(session)
        try:
            return self._retrying(attempt)
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot write to the ledger {self.url}: {_first_line(exc, self.engine.url)}") from None

    def read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a read transaction, retried like ``write``."""
        def attempt() -> T:
            with Session(self.engine) as session, session.begin():
                return work(session)
        try:
            return self._retrying(attempt)
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot read the ledger {self.url}: {_first_line(exc, self.engine.url)}") from None

    def record(self, run: GateRun) -> int:
        """Store ``run`` with all its findings and changes in one transaction; returns its id."""
        def store(session: Session) -> int:
            row = run_row(run)
            session.add(row)
            session.flush()
            return row.id
        return self.write(store)

    def runs(self, limit: int = 20, offset: int = 0, verdict: str | None = None) -> list[RunSummary]:
        """The newest runs first, optionally only those with ``verdict``."""
        changes = select(func.count(ChangeRow.id)).where(ChangeRow.run_id == GateRunRow.id).scalar_subquery()
        findings = select(func.count(FindingRow.id)).where(FindingRow.run_id == GateRunRow.id).scalar_subquery()
        query = select(GateRunRow, changes, findings).order_by(GateRunRow.id.desc()).limit(limit).offset(offset)
        if verdict is not None:
            query = query.where(GateRunRow.verdict == verdict)

        def fetch(session: Session) -> list[RunSummary]:
            return [RunSummary(row.id, row.repository, row.base, row.head, row.version, row.verdict,
                               _utc(row.started_at), row.duration, n_changes, n_findings, len(row.unmet))
                    for row, n_changes, n_findings in session.execute(query)]
        return self.read(fetch)

    def run(self, run_id: int) -> RecordedRun | None:
        """The full record of run ``run_id``, or None when there is none."""
        def fetch(session: Session) -> RecordedRun | None:
            row = session.get(GateRunRow, run_id, options=[selectinload(GateRunRow.changes),
                                                           selectinload(GateRunRow.findings)])
            return _recorded(row) if row is not None else None
        return self.read(fetch)

    def export(self, batch: int = 500) -> Iterator[RecordedRun]:
        """Every run, oldest first, read in batches of ``batch`` runs."""
        after = 0
        while True:
            query = (select(GateRunRow).where(GateRunRow.id > after).order_by(GateRunRow.id).limit(batch)
                     .options(selectinload(GateRunRow.changes), selectinload(GateRunRow.findings)))

            def fetch(session: Session, query: Any = query) -> list[RecordedRun]:
                return [_recorded(row) for row in session.scalars(query)]
            found = self.read(fetch)
            yield from found
            if len(found) < batch:
                return
            after = found[-1].id

    def count(self) -> dict[str, int]:
        """How many runs, changes and findings the ledger holds."""
        def fetch(session: Session) -> dict[str, int]:
            return {table: session.scalar(select(func.count()).select_from(model)) or 0
                    for table, model in (("runs", GateRunRow), ("changes", ChangeRow), ("findings", FindingRow))}
        return self.read(fetch)


def record(run: GateRun, config: Config) -> int:
    """Store ``run`` in the project's ledger (the gate's integration point); returns the run's id."""
    with Ledger.for_config(config) as ledger:
        return ledger.record(run)
