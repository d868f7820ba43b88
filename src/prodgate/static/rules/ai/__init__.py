"""PG8xx: failure modes typical of generated code: placeholders, invented imports and APIs."""
