"""Bring a ledger database to the newest schema once, even when many processes open a fresh one at once.

The revisions live in ``governance/migrations/versions/`` (shipped in the wheel). ``upgrade`` runs them
in one transaction under a lock every process takes first: SQLite's write lock (the ledger's engine
starts every transaction with ``BEGIN IMMEDIATE``) or a PostgreSQL transaction-level advisory lock.
The first process migrates; the others wait, then find the schema current.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
POSTGRES_LOCK_KEY = 0x70726F6467617465  # "prodgate": the advisory lock held while migrating


class SchemaError(Exception):
    """The database's schema is not one this prodgate can bring to its head revision."""


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    """An Alembic configuration over the packaged migrations (no alembic.ini needed)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "the ledger has at least one revision"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Apply the revisions the database lacks, all in one transaction under the cross-process lock."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
        current = current_revision(connection)
        if current == head_revision():
            return
        if current is not None and current not in _known_revisions():
            raise SchemaError(f"the database has schema revision {current}, which this prodgate does not know "
                              f"(newest known: {head_revision()}); upgrade prodgate")
        command.upgrade(alembic_config(connection), "head")
