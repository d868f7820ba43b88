"""Payment provider webhooks: the provider redelivers an event until it gets a 200."""

import sqlite3


def open_store(path):
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE IF NOT EXISTS payments (event_id TEXT UNIQUE, amount INTEGER)")
    return connection


def handle_payment_webhook(connection, event):
    connection.execute("INSERT INTO payments (event_id, amount) VALUES (?, ?)", (event["id"], event["amount"]))
    connection.commit()
    return "ok"
