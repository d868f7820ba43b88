from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resources._helpers import (
    closed_only_on_success,
    connection_opener,
    local_target,
)

RELEASE = frozenset({"close", "quit"})


class ConnectionClosedOnlyOnSuccess(Rule):
    """
    ## What it does
    Finds a database connection, socket or mail client opened into a local variable (directly,
    or by a helper of the same module that returns one) and closed with a plain `close()` call
    that is not in a `finally:` block, an `except` handler or a `with` statement.

    ## Why is this bad
    The close only runs when every statement before it succeeds. A constraint violation, a
    deadlock or a timeout in `execute()` skips it: the connection stays open (often inside an
    aborted transaction holding row locks) until the garbage collector gets to it. Errors come
    in bursts in production, so the leaked connections do too, and the database hits
    `max_connections` exactly when it is already in trouble.

    ## Example
    ```python
    def mark_settled(charge_ids, batch_id):
        conn = psycopg2.connect(DSN)
        cur = conn.cursor()
        cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (charge_ids,))
        conn.commit()
        conn.close()
    ```

    ## Use instead
    ```python
    def mark_settled(charge_ids, batch_id):
        conn = psycopg2.connect(DSN)
        try:
            with conn, conn.cursor() as cur:  # commits, or rolls back on error
                cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)",
                            (charge_ids,))
        finally:
            conn.close()
    ```

    ## Known limitations
    Connection helpers in other modules are not followed. A connection opened inside a `try:`
    that handles errors is assumed to reach its close. Test files are not checked.
    """

    meta = RuleMeta(
        code="PG305",
        name="connection-closed-only-on-success",
        category="resource.leak",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.MISSING_RELEASE, cwe.RELEASE_AFTER_LIFETIME),
        message="`{name}` from `{call}` is closed only when nothing before the close raises, so every "
                "error leaks a connection",
        tags=("database", "sockets"),
    )

    flagged = (
        """
        import psycopg2

        def get_raw_connection():
            return psycopg2.connect("dbname=payments")

        def mark_settled(charge_ids, batch_id):
            conn = get_raw_connection()  # error: PG305
            cur = conn.cursor()
            cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (charge_ids,))
            conn.commit()
            cur.close()
            conn.close()
        """,
        """
        import smtplib

        def send_receipt(message):
            server = smtplib.SMTP("smtp.example.com", 587, timeout=10)  # error: PG305
            server.starttls()
            server.send_message(message)
            server.quit()
        """,
    )
    clean = (
        """
        import socket
        import psycopg2

        def mark_settled(charge_ids):
            conn = psycopg2.connect("dbname=payments")
            try:
                with conn, conn.cursor() as cur:
                    cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (charge_ids,))
            finally:
                conn.close()

        def has_ipv6(host):
            sock = None
            try:
                sock = socket.socket(socket.AF_INET6)
                sock.bind((host, 0))
            except Exception:
                pass
            if sock:
                sock.close()

        def ping(dsn):
            conn = psycopg2.connect(dsn)
            try:
                conn.cursor().execute("SELECT 1")
            except psycopg2.Error:
                conn.close()
                raise
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
        if name is not None and closed_only_on_success(ctx, name, RELEASE, node):
            ctx.report(node, name=name, call=call)
