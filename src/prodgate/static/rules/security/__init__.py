"""PG6xx: insecure configuration, disabled TLS verification, weak cryptography and unsafe XML parsing."""
