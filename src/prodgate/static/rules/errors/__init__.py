"""PG2xx: error handling (swallowed exceptions, lost causes and tracebacks)."""
