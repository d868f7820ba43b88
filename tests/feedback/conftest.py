"""The example shop service, its recorded production incidents, and ledger databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from governance.ledger_databases import _no_database_from_the_environment, ledger_url, postgres_url  # noqa: F401

HERE = Path(__file__).resolve().parent
SERVICE = HERE / "example_service"
PROD = HERE / "incidents" / "prod"
VERSIONS = ("3.10", "3.11", "3.12", "3.13", "venv")


def incident_files() -> list[Path]:
    """Every recorded incident file (logs, JSON logs, Sentry events, OTLP exports)."""
    return sorted(p for p in PROD.rglob("*") if p.is_file() and p.name != "expected.json")


def expected() -> list[dict[str, Any]]:
    """For every recorded incident: its file, record, scenario, interpreter and the right category and code."""
    return list(json.loads((PROD / "expected.json").read_text(encoding="utf-8")))


@pytest.fixture
def service(tmp_path: Path) -> Path:
    """A copy of the example service that a test may edit."""
    target = tmp_path / "service"
    shutil.copytree(SERVICE, target)
    return target
