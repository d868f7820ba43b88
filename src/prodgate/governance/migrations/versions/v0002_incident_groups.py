"""Incident groups and their occurrences (prodgate.feedback).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The models of these tables live in the feedback stage; importing them here registers them on
# LedgerBase.metadata whenever the revisions are read, so comparing the schema with the models sees them.
import prodgate.feedback.incident_schema  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("function", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("caught_by", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_groups")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_incident_groups_fingerprint")),
    )
    op.create_index(op.f("ix_incident_groups_category"), "incident_groups", ["category"])

    op.create_table(
        "incident_occurrences",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=1024), nullable=False),
        sa.Column("record", sa.String(length=255), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["incident_groups.id"],
                                name=op.f("fk_incident_occurrences_group_id_incident_groups"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_occurrences")),
        sa.UniqueConstraint("group_id", "file", "record", name="uq_incident_occurrences_source"),
    )
    op.create_index(op.f("ix_incident_occurrences_group_id"), "incident_occurrences", ["group_id"])
    op.create_index(op.f("ix_incident_occurrences_seen_at"), "incident_occurrences", ["seen_at"])


def downgrade() -> None:
    op.drop_table("incident_occurrences")
    op.drop_table("incident_groups")
