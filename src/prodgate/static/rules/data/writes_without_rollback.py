from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes
from prodgate.static.rules.data._helpers import is_commit, is_sql_write

EXECUTES = frozenset({"execute", "executemany"})


class WritesWithoutRollback(Rule):
    """
    ## What it does
    Finds a DB-API `commit()` that ends two or more write statements (`INSERT`, `UPDATE`,
    `DELETE` through `cursor.execute`) with no `try:` around them and no `with conn:` block, so
    nothing rolls back when one of the writes fails.

    ## Why is this bad
    When the second statement fails (a constraint, a deadlock, a lost connection), the
    exception skips the commit but also skips any rollback: the connection stays inside a
    failed transaction holding the first statement's row locks. With a pooled or shared
    connection the next request that borrows it fails with "current transaction is aborted";
    with a private one the locks stay until the garbage collector closes it, blocking other
    writers of the same rows.

    ## Example
    ```python
    cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (ids,))
    cur.execute("INSERT INTO settlement_batches (id, payment_count) VALUES (%s, %s)", (batch, n))
    conn.commit()
    ```

    ## Use instead
    ```python
    with conn:  # psycopg2/sqlite3: commit on success, rollback on error
        with conn.cursor() as cur:
            cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (ids,))
            cur.execute("INSERT INTO settlement_batches (id, payment_count) VALUES (%s, %s)",
                        (batch, n))
    ```

    ## Known limitations
    Only literal SQL is recognised as a write. A rollback done by the caller (which catches the
    error and calls `rollback()`) is not seen. SQLAlchemy sessions are left to PG501/PG502.
    Test files are not checked.
    """

    meta = RuleMeta(
        code="PG504",
        name="writes-without-rollback",
        category="data.transaction",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.SYNCHRONIZATION,),
        message="`{commit}` ends {count} writes with no try/rollback or `with` block around them, so a "
                "failing write leaves the transaction open with its locks held",
        tags=("database",),
    )

    flagged = (
        """
        def mark_settled(conn, charge_ids, batch_id):
            cur = conn.cursor()
            cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (charge_ids,))
            cur.execute("INSERT INTO settlement_batches (id, payment_count) VALUES (%s, %s)", (batch_id, 1))
            conn.commit()  # error: PG504
        """,
    )
    clean = (
        """
        def mark_settled(conn, charge_ids, batch_id):
            with conn:
                cur = conn.cursor()
                cur.execute("UPDATE payments SET status = 'settled' WHERE charge_id = ANY(%s)", (charge_ids,))
                cur.execute("INSERT INTO settlement_batches (id) VALUES (%s)", (batch_id,))
                conn.commit()

        def refund(conn, order_id):
            try:
                conn.execute("INSERT INTO refunds (order_id) VALUES (?)", (order_id,))
                conn.execute("UPDATE orders SET status = 'refunded' WHERE id = ?", (order_id,))
                conn.commit()
            except Exception:
                conn.rollback()
                raise

        def touch(conn, order_id):
            conn.execute("UPDATE orders SET seen = 1 WHERE id = ?", (order_id,))
            conn.commit()
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not is_commit(node) or ctx.is_test_file:
            return
        assert isinstance(node.func, ast.Attribute)
        if "session" in ast.unparse(node.func.value).lower():
            return
        function = ctx.function()
        if function is None or any(isinstance(a, (ast.Try, ast.With, ast.AsyncWith)) for a in ctx.ancestors()):
            return
        writes = [n for n in function_nodes(ctx, function)
                  if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in EXECUTES
                  and is_sql_write(n) and n.lineno < node.lineno]
        if len(writes) >= 2:
            ctx.report(node, commit=ast.unparse(node.func) + "()", count=len(writes))
