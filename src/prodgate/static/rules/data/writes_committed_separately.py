from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import LOOP_TYPES, FileContext
from prodgate.static.rules._function_scan import NESTED_SCOPES, own_nodes
from prodgate.static.rules.data._helpers import is_commit, is_sql_write

BLOCK_FIELDS = ("body", "orelse", "finalbody")


class WritesCommittedSeparately(Rule):
    """
    ## What it does
    Finds a function that writes to the database, commits, then writes again and commits a
    second time in the same block: two dependent changes in two transactions.

    ## Why is this bad
    If the process dies, the connection drops or the second statement fails between the two
    commits, the first change is permanent and the second never happens: an order marked paid
    with no payment row, stock decremented for an order that was never created. Nothing rolls
    the first write back, and the inconsistency surfaces days later in reconciliation.

    ## Example
    ```python
    def place_order(session, cart):
        order = Order(customer_id=cart.customer_id, total=cart.total)
        session.add(order)
        session.commit()
        session.add(Payment(order_id=order.id, amount=cart.total))
        session.commit()
    ```

    ## Use instead
    ```python
    def place_order(session, cart):
        with session.begin():
            order = Order(customer_id=cart.customer_id, total=cart.total)
            session.add(order)
            session.flush()  # assigns order.id inside the transaction
            session.add(Payment(order_id=order.id, amount=cart.total))
    ```

    ## Known limitations
    Only commits that are statements of the same block are compared; commits inside loops
    (deliberate batching) are ignored. Writes are SQLAlchemy session writes and literal
    `INSERT`/`UPDATE`/`DELETE` statements.
    """

    meta = RuleMeta(
        code="PG501",
        name="writes-committed-separately",
        category="data.transaction",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.SYNCHRONIZATION,),
        message="dependent writes are committed in separate transactions, so a failure between the "
                "commits leaves the data half-updated",
        tags=("database",),
    )

    flagged = (
        """
        def place_order(session, cart):
            order = Order(customer_id=cart.customer_id, total=cart.total)
            session.add(order)
            session.commit()
            session.add(Payment(order_id=order.id, amount=cart.total))
            session.commit()  # error: PG501
        """,
        """
        def refund(conn, order_id, amount):
            cur = conn.cursor()
            try:
                cur.execute("INSERT INTO refunds (order_id, amount) VALUES (%s, %s)", (order_id, amount))
                conn.commit()
                cur.execute("UPDATE orders SET status = 'refunded' WHERE id = %s", (order_id,))
                conn.commit()  # error: PG501
            finally:
                cur.close()
        """,
    )
    clean = (
        """
        def place_order(session, cart):
            order = Order(customer_id=cart.customer_id, total=cart.total)
            session.add(order)
            session.flush()
            session.add(Payment(order_id=order.id, amount=cart.total))
            session.commit()

        def import_batches(session, batches):
            for batch in batches:
                session.add_all(batch)
                session.commit()
        """,
        """
        def save(session, order, paid):
            session.add(order)
            if paid:
                session.commit()
            else:
                session.add(Reminder(order_id=order.id))
                session.commit()
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        for block in _blocks(node):
            second = _second_commit(block)
            if second is not None:
                ctx.report(second)

    visit_AsyncFunctionDef = visit_FunctionDef


def _blocks(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[list[ast.stmt]]:
    """Statement lists of the function, outside loops and nested definitions."""
    found: list[list[ast.stmt]] = []
    todo: list[list[ast.stmt]] = [function.body]
    while todo:
        block = todo.pop()
        found.append(block)
        for statement in block:
            if isinstance(statement, (*LOOP_TYPES, *NESTED_SCOPES)):
                continue
            for field in BLOCK_FIELDS:
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    todo.append(inner)
            todo.extend(handler.body for handler in getattr(statement, "handlers", []))
    return found


def _second_commit(block: list[ast.stmt]) -> ast.AST | None:
    """The commit that ends a second write-and-commit sequence in ``block``."""
    writes = commits = 0
    for statement in block:
        if isinstance(statement, ast.Expr) and is_commit(statement.value):
            if writes:
                commits += 1
                writes = 0
                if commits == 2:
                    return statement.value
            continue
        if isinstance(statement, NESTED_SCOPES):
            continue
        nodes = [statement, *own_nodes(ast.Module(body=[statement], type_ignores=[]))]
        if any(isinstance(n, LOOP_TYPES) for n in nodes):
            continue
        writes += sum(is_sql_write(n) for n in nodes)
    return None
