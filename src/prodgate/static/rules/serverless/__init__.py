"""Serverless rules: handlers that rely on per-instance state, local disk, or per-call clients."""
