"""PG1xx: resilience (timeouts, retries, unchecked responses)."""
