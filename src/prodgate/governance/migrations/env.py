"""Alembic environment of the ledger: runs on the connection ``prodgate.governance.ledger_migrations`` hands over.

The caller holds the lock and the transaction; this only applies the revisions inside it.
"""

from __future__ import annotations

from alembic import context

from prodgate.governance.ledger_schema import LedgerBase

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the ledger migrations run through prodgate.governance.ledger_migrations.upgrade")
context.configure(connection=connection, target_metadata=LedgerBase.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
