"""Orders in SQLite."""

from __future__ import annotations

import sqlite3
import time

from order_service.errors import StorageUnavailable

ATTEMPTS = 3


class OrderStore:
    def __init__(self, path: str):
        self.path = path
        with sqlite3.connect(self.path) as conn:
            conn.executescript("CREATE TABLE IF NOT EXISTS orders"
                               " (id TEXT PRIMARY KEY, amount INTEGER, payment TEXT, shipping INTEGER)")

    def save(self, order_id: str, amount_cents: int, payment_id: str, shipping_cents: int) -> None:
        """Hardened: a busy timeout, retries with backoff while locked, a domain error otherwise."""
        for attempt in range(ATTEMPTS):
            try:
                with sqlite3.connect(self.path, timeout=1.0) as conn:
                    conn.execute("INSERT INTO orders VALUES (?, ?, ?, ?)",
                                 (order_id, amount_cents, payment_id, shipping_cents))
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt + 1 == ATTEMPTS:
                    raise StorageUnavailable(f"saving order {order_id} failed: {exc}") from exc
                time.sleep(0.05 * 2**attempt)

    def get(self, order_id: str) -> dict[str, object]:
        """Not hardened: database errors escape as they are."""
        conn = sqlite3.connect(self.path)
        try:
            row = conn.execute("SELECT id, amount, payment, shipping FROM orders WHERE id = ?", (order_id,)).fetchone()
        finally:
            conn.close()
        if row is None:
            raise KeyError(order_id)
        return {"id": row[0], "amount": row[1], "payment": row[2], "shipping": row[3]}
