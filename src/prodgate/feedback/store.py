"""Incident groups in the ledger: stored by fingerprint (re-ingesting a file adds nothing twice) and read
back with how many of their incidents happened in a recent window."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from prodgate.core.config import Config
from prodgate.feedback.incident_schema import IncidentGroupRow, IncidentOccurrenceRow
from prodgate.feedback.ingest import Ingested
from prodgate.governance.ledger import DATABASE_URL_ENV, DEFAULT_PATH, Ledger


@dataclass(frozen=True, slots=True)
class RecordedGroup:
    fingerprint: str
    type: str
    message: str
    category: str
    reason: str
    path: str | None
    function: str | None
    line: int | None
    count: int
    recent: int  # incidents since the window's start
    first_seen: datetime | None
    last_seen: datetime | None
    caught_by: tuple[str, ...]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def store(ledger: Ledger, ingested: Ingested) -> int:
    """Store every group of ``ingested`` with its incidents in one transaction; returns how many are new."""
    now = datetime.now(timezone.utc)

    def work(session: Session) -> int:
        added = 0
        for group in ingested.groups:
            row = session.scalar(select(IncidentGroupRow).where(IncidentGroupRow.fingerprint == group.fingerprint))
            coverage = ingested.coverage.get(group.fingerprint)
            caught = sorted({f.rule for f in coverage.caught}) if coverage else []
            spot = group.spot
            if row is None:
                row = IncidentGroupRow(fingerprint=group.fingerprint, type=group.type, message=group.message[:4000],
                                       category=group.category, reason=group.failure.reason, count=0,
                                       caught_by=caught, updated_at=now)
                session.add(row)
            row.category, row.reason = group.category, group.failure.reason
            row.path, row.function, row.line = (spot.path, spot.function, spot.line) if spot else (None, None, None)
            if coverage is not None:
                row.caught_by = caught
            row.updated_at = now
            session.flush()
            known = set(session.execute(select(IncidentOccurrenceRow.file, IncidentOccurrenceRow.record)
                                        .where(IncidentOccurrenceRow.group_id == row.id)).all())
            fresh = [{"group_id": row.id, "file": source.file, "record": str(source.record),
                      "seen_at": _utc(moment) or now}
                     for source, moment in zip(group.sources, group.moments)
                     if (source.file, str(source.record)) not in known]
            unique = list({(item["file"], item["record"]): item for item in fresh}.values())
            if unique:
                session.execute(insert(IncidentOccurrenceRow), unique)
                added += len(unique)
            first, last, total = session.execute(
                select(func.min(IncidentOccurrenceRow.seen_at), func.max(IncidentOccurrenceRow.seen_at), func.count())
                .where(IncidentOccurrenceRow.group_id == row.id)).one()
            row.first_seen, row.last_seen, row.count = _utc(first), _utc(last), int(total)
        return added

    return ledger.write(work)


def recorded(ledger: Ledger, since: datetime | None = None) -> list[RecordedGroup]:
    """Every stored group, the most frequent first; ``recent`` counts its incidents at or after ``since``."""
    def fetch(session: Session) -> list[RecordedGroup]:
        recent: dict[int, int] = {}
        if since is not None:
            query = (select(IncidentOccurrenceRow.group_id, func.count()).where(IncidentOccurrenceRow.seen_at >= since)
                     .group_by(IncidentOccurrenceRow.group_id))
            recent = {group_id: int(n) for group_id, n in session.execute(query).all()}
        rows = session.scalars(select(IncidentGroupRow).order_by(IncidentGroupRow.count.desc(), IncidentGroupRow.id))
        return [RecordedGroup(row.fingerprint, row.type, row.message, row.category, row.reason, row.path, row.function,
                              row.line, row.count, recent.get(row.id, 0) if since is not None else row.count,
                              _utc(row.first_seen), _utc(row.last_seen), tuple(row.caught_by)) for row in rows]
    return ledger.read(fetch)


def existing_ledger(config: Config, url: str | None = None) -> Ledger | None:
    """The project's ledger, or None when it is the default SQLite one and does not exist yet (none is created)."""
    configured = url or os.environ.get(DATABASE_URL_ENV) or config.section("ledger").get("url")
    if not configured and not (config.root / DEFAULT_PATH).is_file():
        return None
    return Ledger.for_config(config, url)
