"""``[tool.prodgate.ledger]``: where the audit ledger lives (kept apart from the ledger itself so
reading the configuration never imports SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path

from prodgate.core.config import CHECKS, Key

DATABASE_URL_ENV = "PRODGATE_DATABASE_URL"
DEFAULT_PATH = Path(".prodgate") / "ledger.db"

KEYS = (
    Key("url", CHECKS["str"], "", "SQLAlchemy URL of the ledger database, e.g. `postgresql://user@host/prodgate` "
                         f"(default: SQLite at `{DEFAULT_PATH.as_posix()}` in the project; "
                         f"`${DATABASE_URL_ENV}` overrides it)."),
)
