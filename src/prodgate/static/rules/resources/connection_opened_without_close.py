from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resources._helpers import connection_opener, is_released, local_target

RELEASE = frozenset({"close", "quit", "detach"})


class ConnectionOpenedWithoutClose(Rule):
    """
    ## What it does
    Finds a database connection (`sqlite3`, `psycopg`/`psycopg2`, `pymysql`, ...), socket or
    mail/FTP client (opened directly, or by a helper of the same module that returns one)
    opened into a local variable that the function never closes, never uses in
    a `with` block and never hands on (returns, stores, or passes to another call).

    ## Why is this bad
    Each call of the function holds one server connection until the garbage collector runs.
    Under real traffic the database reaches `max_connections` ("FATAL: too many connections"),
    every other service sharing it starts failing, and a connection left inside an open
    transaction keeps its row locks. An exception between open and close makes the leak
    certain even when the happy path closes.

    ## Example
    ```python
    def order_total(order_id):
        conn = psycopg2.connect(DSN)
        cur = conn.cursor()
        cur.execute("SELECT total FROM orders WHERE id = %s", (order_id,))
        return cur.fetchone()[0]
    ```

    ## Use instead
    ```python
    def order_total(order_id):
        with closing(psycopg2.connect(DSN)) as conn, conn.cursor() as cur:
            cur.execute("SELECT total FROM orders WHERE id = %s", (order_id,))
            return cur.fetchone()[0]
    ```
    Better still, take connections from a pool created once at start-up.

    ## Known limitations
    Connection helpers in other modules are not followed. Cursors are not tracked on their own: they are released with their connection. A connection
    closed through an alias, or passed to any call (assumed to take ownership), is not reported.
    Test files are not checked.
    """

    meta = RuleMeta(
        code="PG302",
        name="connection-opened-without-close",
        category="resource.leak",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.MISSING_RELEASE, cwe.RELEASE_AFTER_LIFETIME),
        message="`{call}` opens `{name}` and never closes it, so each call holds a server connection "
                "until the pool or the database runs out",
        tags=("database", "sockets"),
    )

    flagged = (
        """
        import psycopg2

        DSN = "dbname=orders"

        def order_total(order_id):
            conn = psycopg2.connect(DSN)  # error: PG302
            cur = conn.cursor()
            cur.execute("SELECT total FROM orders WHERE id = %s", (order_id,))
            return cur.fetchone()[0]
        """,
        """
        import socket
        import smtplib

        def notify_ledger(host, payload):
            sock = socket.create_connection((host, 9100), timeout=5)  # error: PG302
            sock.sendall(payload)

        def send_receipt(message):
            server = smtplib.SMTP("smtp.example.com", 587, timeout=10)  # error: PG302
            server.send_message(message)
        """,
        """
        import psycopg2

        def get_connection():
            return psycopg2.connect("dbname=orders")

        def pending_count():
            conn = get_connection()  # error: PG302
            return conn.execute("SELECT count(*) FROM orders WHERE status = 'pending'").fetchone()[0]
        """,
    )
    clean = (
        """
        import smtplib
        import sqlite3
        from contextlib import closing

        def count_orders(path):
            conn = sqlite3.connect(path)
            try:
                return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
            finally:
                conn.close()

        def count_refunds(path):
            with closing(sqlite3.connect(path)) as conn:
                return conn.execute("SELECT count(*) FROM refunds").fetchone()[0]

        def send_receipt(message):
            server = smtplib.SMTP("smtp.example.com", 587, timeout=10)
            server.send_message(message)
            server.quit()
        """,
        """
        import psycopg2

        class Repository:
            def connect(self, dsn):
                conn = psycopg2.connect(dsn)
                self.conn = conn

        def get_connection(dsn):
            conn = psycopg2.connect(dsn)
            conn.autocommit = True
            return conn
        """,
    )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not isinstance(node.value, ast.Call):
            return
        call = connection_opener(ctx, node.value)
        if call is None:
            return
        name = local_target(ctx, node)
        if name is not None and not is_released(ctx, name, RELEASE, node):
            ctx.report(node, name=name, call=call)
