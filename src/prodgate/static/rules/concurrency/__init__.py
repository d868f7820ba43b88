"""Concurrency rules: races on shared state and blocking calls inside the event loop."""
