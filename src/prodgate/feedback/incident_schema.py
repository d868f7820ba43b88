"""The ledger's incident tables (revision 0002): one row per incident group, one per occurrence.

Declared on ``LedgerBase`` like the gate's tables; ``governance/migrations/versions/v0002_incident_groups.py``
creates them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prodgate.governance.ledger_schema import LedgerBase


class IncidentGroupRow(LedgerBase):
    """Production incidents with one fingerprint, where they belong in the code, and their class."""

    __tablename__ = "incident_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(255), index=True)
    reason: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    function: Mapped[str | None] = mapped_column(Text, nullable=True)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    count: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    caught_by: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    occurrences: Mapped[list[IncidentOccurrenceRow]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True)


class IncidentOccurrenceRow(LedgerBase):
    """One incident of a group: the file and record it was read from, and when it happened."""

    __tablename__ = "incident_occurrences"
    __table_args__ = (UniqueConstraint("group_id", "file", "record", name="uq_incident_occurrences_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("incident_groups.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(String(1024))
    record: Mapped[str] = mapped_column(String(255))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    group: Mapped[IncidentGroupRow] = relationship(back_populates="occurrences")
