from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes, is_catalog_sql

SELECT = re.compile(r"^\s*(?:--[^\n]*\n\s*)*select\b", re.IGNORECASE)
BOUNDED = re.compile(r"\b(?:where|limit|fetch\s+first|top|rownum|having)\b", re.IGNORECASE)
AGGREGATE_ONLY = re.compile(r"^\s*select\s+(?:count|sum|avg|min|max)\s*\([^)]*\)\s*(?:as\s+\w+\s*)?from\b",
                            re.IGNORECASE)


class FetchallOfUnboundedQuery(Rule):
    """
    ## What it does
    Finds `cursor.fetchall()` after `cursor.execute()` of a literal `SELECT` that has no `WHERE`,
    `LIMIT` (or `FETCH FIRST`/`TOP`) and is not a single aggregate (`SELECT count(*) ...`):
    the whole table is read into a Python list.

    ## Why is this bad
    On the developer's database the `orders` table has twenty rows. In production it has twenty
    million: `fetchall()` builds every row as Python objects at once, the worker's memory jumps
    by gigabytes, the container is OOM-killed mid-request, and the endpoint gets slower every
    day as the table grows.

    ## Example
    ```python
    cur.execute("SELECT id, total, status FROM orders ORDER BY created_at")
    orders = cur.fetchall()
    ```

    ## Use instead
    ```python
    cur.execute("SELECT id, total, status FROM orders ORDER BY created_at LIMIT %s OFFSET %s",
                (page_size, offset))
    orders = cur.fetchall()
    ```
    For exports, iterate with `fetchmany(1000)` or a server-side cursor.

    ## Known limitations
    Only a literal SQL string passed to `execute` on the same cursor in the same function is
    examined. A `WHERE` clause counts as bounding, even when it matches most rows. Queries on
    catalog tables (`sqlite_master`, `information_schema`, `pg_*`) are not reported. Test files
    are not checked.
    """

    meta = RuleMeta(
        code="PG350",
        name="fetchall-of-unbounded-query",
        category="memory.unbounded",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.UNCONTROLLED_RESOURCE_CONSUMPTION, cwe.RESOURCE_WITHOUT_LIMITS),
        message="`fetchall()` loads every row of a query with no WHERE or LIMIT into memory, so memory "
                "and latency grow with the table until the worker is killed",
        tags=("database",),
    )

    flagged = (
        """
        def list_orders(conn):
            cur = conn.cursor()
            cur.execute("SELECT id, total, status FROM orders ORDER BY created_at DESC")
            return cur.fetchall()  # error: PG350
        """,
        """
        import sqlite3

        def export_customers(db):
            rows = db.execute("SELECT * FROM customers").fetchall()  # error: PG350
            return [dict(row) for row in rows]
        """,
    )
    clean = (
        """
        def list_orders(conn, customer_id, page):
            cur = conn.cursor()
            cur.execute("SELECT id, total FROM orders WHERE customer_id = %s", (customer_id,))
            mine = cur.fetchall()
            cur.execute("SELECT id, total FROM orders ORDER BY id LIMIT 50 OFFSET %s", (page * 50,))
            return mine, cur.fetchall()
        """,
        """
        def stats(cur):
            cur.execute("SELECT count(*) FROM orders")
            total = cur.fetchall()
            cur.execute("SELECT name FROM sqlite_master")
            return total, cur.fetchall()
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "fetchall" and not node.args):
            return
        if ctx.is_test_file:
            return
        sql = self._query(func.value, node.lineno, ctx)
        if sql is not None and is_unbounded(sql):
            ctx.report(node)

    @staticmethod
    def _query(receiver: ast.expr, line: int, ctx: FileContext) -> str | None:
        """The literal SQL last executed on ``receiver`` before this point in the function."""
        if isinstance(receiver, ast.Call):
            return _literal_sql(receiver)
        function = ctx.function()
        if function is None:
            return None
        key = ast.dump(receiver)
        executes = [n for n in function_nodes(ctx, function)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "execute"
                    and ast.dump(n.func.value) == key and n.lineno <= line]
        if not executes:
            return None
        return _literal_sql(max(executes, key=lambda n: (n.lineno, n.col_offset)))


def _literal_sql(call: ast.Call) -> str | None:
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "execute" and call.args):
        return None
    sql = call.args[0]
    return sql.value if isinstance(sql, ast.Constant) and isinstance(sql.value, str) else None



def is_unbounded(sql: str) -> bool:
    return (SELECT.match(sql) is not None and BOUNDED.search(sql) is None
            and AGGREGATE_ONLY.match(sql) is None and not is_catalog_sql(sql))
