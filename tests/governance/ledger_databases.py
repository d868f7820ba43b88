"""Ledger databases for the tests: a SQLite file, and a fresh database on the PostgreSQL server CI starts.

``.ci/run`` installs and starts PostgreSQL and exports ``PRODGATE_TEST_POSTGRES_URL`` (a role that may
create databases); each test gets its own database, dropped afterwards. Without the variable the
PostgreSQL cases skip and say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

POSTGRES_ENV = "PRODGATE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set, so there is no PostgreSQL server to test against "
                    "(.ci/run installs and starts one)")
    url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"prodgate_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # Sessions a test left open are ours to end; a plain DROP then also stops an autovacuum
            # worker by itself, which WITH (FORCE) may not do without pg_signal_backend.
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %(name)s AND usename = current_user AND pid <> pg_backend_pid()",
                {"name": name},
            )
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty ledger database, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(autouse=True)
def _no_database_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their ledger explicitly; a developer's PRODGATE_DATABASE_URL must not leak in."""
    monkeypatch.delenv("PRODGATE_DATABASE_URL", raising=False)
