"""Gate runs with their changes and findings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gate_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("repository", sa.String(length=255), nullable=False),
        sa.Column("base", sa.String(length=255), nullable=False),
        sa.Column("head", sa.String(length=255), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=False),
        sa.Column("config_hash", sa.String(length=255), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Double(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unmet", sa.JSON(), nullable=False),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_runs")),
    )
    op.create_index(op.f("ix_gate_runs_started_at"), "gate_runs", ["started_at"])
    op.create_index(op.f("ix_gate_runs_verdict"), "gate_runs", ["verdict"])

    op.create_table(
        "gate_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("provenance_tool", sa.String(length=255), nullable=False),
        sa.Column("provenance_score", sa.Integer(), nullable=False),
        sa.Column("provenance_signals", sa.JSON(), nullable=False),
        sa.Column("added_lines", sa.JSON(), nullable=False),
        sa.Column("ai_share", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["gate_runs.id"], name=op.f("fk_gate_changes_run_id_gate_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_changes")),
    )
    op.create_index(op.f("ix_gate_changes_provenance_tool"), "gate_changes", ["provenance_tool"])
    op.create_index(op.f("ix_gate_changes_run_id"), "gate_changes", ["run_id"])

    op.create_table(
        "gate_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=255), nullable=False),
        sa.Column("category", sa.String(length=255), nullable=False),
        sa.Column("severity", sa.String(length=32), nullable=False),
        sa.Column("confidence", sa.String(length=32), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", sa.Integer(), nullable=False),
        sa.Column("end_line", sa.Integer(), nullable=False),
        sa.Column("end_column", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("cwe", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=255), nullable=False),
        sa.Column("fix", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("flow", sa.JSON(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["gate_runs.id"], name=op.f("fk_gate_findings_run_id_gate_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_findings")),
    )
    op.create_index(op.f("ix_gate_findings_fingerprint"), "gate_findings", ["fingerprint"])
    op.create_index("ix_gate_findings_rule_path", "gate_findings", ["rule", "path"])
    op.create_index(op.f("ix_gate_findings_run_id"), "gate_findings", ["run_id"])


def downgrade() -> None:
    op.drop_table("gate_findings")
    op.drop_table("gate_changes")
    op.drop_table("gate_runs")
