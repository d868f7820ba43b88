"""``slow-response``: wait past the caller's timeout, or until the test's deadline when there is none."""

from __future__ import annotations

import time

FOREVER = 24 * 3600.0


def wait_past(timeout: float | None) -> None:
    """Sleep just past ``timeout`` seconds; with no timeout, sleep until the deadline interrupts."""
    time.sleep(FOREVER if timeout is None else timeout + 0.01)
