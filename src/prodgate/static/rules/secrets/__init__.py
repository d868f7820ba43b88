"""PG73x: credentials, keys and tokens written into source code."""
