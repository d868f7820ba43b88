"""Data-integrity rules: writes without a transaction and side effects without idempotency."""
