"""PG7xx: untrusted data reaching dangerous sinks (taint analysis), and related web security."""
