"""The ledger's tables as SQLAlchemy 2 declarative models.

Every table hangs off ``LedgerBase.metadata``, whose constraint naming convention keeps Alembic
migrations deterministic on every backend. A later stage stores its own records (incident groups,
for example) by declaring models on ``LedgerBase`` and adding an Alembic revision under
``governance/migrations/versions/``; nothing here changes.

Columns map the records of ``prodgate.governance.records`` one to one, except that a fix's
replacement text is never stored (it is source code, which the ledger keeps out).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Double, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class LedgerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class GateRunRow(LedgerBase):
    """One ``prodgate gate`` run: its inputs, its verdict, the unmet conditions and the approvals."""

    __tablename__ = "gate_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    repository: Mapped[str] = mapped_column(String(255))
    base: Mapped[str] = mapped_column(String(255))
    head: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(255))
    config_hash: Mapped[str] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    duration: Mapped[float] = mapped_column(Double)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unmet: Mapped[list[Any]] = mapped_column(default=list)
    approvals: Mapped[list[Any]] = mapped_column(default=list)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)

    changes: Mapped[list[ChangeRow]] = relationship(
        back_populates="run", order_by="ChangeRow.position", cascade="all, delete-orphan", passive_deletes=True)
    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="run", order_by="FindingRow.position", cascade="all, delete-orphan", passive_deletes=True)


class ChangeRow(LedgerBase):
    """One changed file of a run, with its risk tier and provenance."""

    __tablename__ = "gate_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("gate_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    tier: Mapped[str] = mapped_column(String(32))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    provenance_tool: Mapped[str] = mapped_column(String(255), index=True)
    provenance_score: Mapped[int] = mapped_column(Integer)
    provenance_signals: Mapped[list[Any]] = mapped_column(default=list)
    added_lines: Mapped[list[Any]] = mapped_column(default=list)
    ai_share: Mapped[float] = mapped_column(Double)

    run: Mapped[GateRunRow] = relationship(back_populates="changes")


class FindingRow(LedgerBase):
    """One finding judged by a run (every ``Finding`` field; a fix without its replacement text)."""

    __tablename__ = "gate_findings"
    __table_args__ = (Index("ix_gate_findings_rule_path", "rule", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("gate_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(255))
    severity: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int] = mapped_column(Integer)
    end_column: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    cwe: Mapped[list[Any]] = mapped_column(default=list)
    fingerprint: Mapped[str] = mapped_column(String(255), index=True)
    fix: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    flow: Mapped[list[Any]] = mapped_column(default=list)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)

    run: Mapped[GateRunRow] = relationship(back_populates="findings")
