"""Counters kept in the shop's SQLite database."""

import sqlite3


def increment_counter(path, name):
    connection = sqlite3.connect(path, timeout=0)
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER)")
        connection.execute("INSERT OR IGNORE INTO counters VALUES (?, 0)", (name,))
        connection.execute("UPDATE counters SET value = value + 1 WHERE name = ?", (name,))
        connection.commit()
    finally:
        connection.close()
