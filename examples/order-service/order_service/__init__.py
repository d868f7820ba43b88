"""An order service: charge through the payments API, quote shipping, keep orders in SQLite.

Some dependency calls are hardened (timeouts, retries with backoff, fallbacks, domain errors)
and some are not; ``prodgate chaos`` should report exactly the ones that are not.
"""
