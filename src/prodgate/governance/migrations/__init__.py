"""Alembic migrations of the ledger: ``env.py`` and one revision per schema change under ``versions/``."""
