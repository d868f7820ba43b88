from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import LOOP_TYPES, FileContext
from prodgate.static.rules._function_scan import NESTED_SCOPES, own_nodes, source_lines
from prodgate.static.rules.data._helpers import is_commit, is_sql_write

BLOCK_FIELDS = ("body", "orelse", "finalbody")


class WritesCommittedSeparately(Rule):
    """
    ## What it does
    Finds a function that writes to the database, commits, then writes again and commits a
    second time in the same block: two dependent changes in two transactions. Writes are
    SQLAlchemy session writes, literal `INSERT`/`UPDATE`/`DELETE` statements, and attribute
    updates on loaded objects (`account.balance -= amount`). The first commit is reported.

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
    (deliberate batching) are ignored. Any attribute assignment on a local object counts as a
    write, so a commit between two unrelated updates of plain objects is reported too.
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
        def transfer(session, from_id, to_id, amount):
            source = session.get(Account, from_id)
            source.balance -= amount
            session.commit()  # error: PG501
            target = session.get(Account, to_id)
            target.balance += amount
            session.commit()
        """,
        """
        def place_order(session, cart):
            order = Order(customer_id=cart.customer_id, total=cart.total)
            session.add(order)
            session.commit()  # error: PG501
            session.add(Payment(order_id=order.id, amount=cart.total))
            session.commit()
        """,
        """
        def refund(conn, order_id, amount):
            cur = conn.cursor()
            try:
                cur.execute("INSERT INTO refunds (order_id, amount) VALUES (%s, %s)", (order_id, amount))
                conn.commit()  # error: PG501
                cur.execute("UPDATE orders SET status = 'refunded' WHERE id = %s", (order_id,))
                conn.commit()
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
        if ctx.is_test_file or ".commit()" not in ctx.text or source_lines(ctx, node).count(".commit()") < 2:
            return
        for block in _blocks(node):
            first = _split_commit(block)
            if first is not None:
                ctx.report(first)

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


def _split_commit(block: list[ast.stmt]) -> ast.AST | None:
    """The first of two commits in ``block`` that each end their own writes."""
    writes = 0
    first: ast.expr | None = None
    for statement in block:
        if isinstance(statement, ast.Expr) and is_commit(statement.value):
            if writes and first is not None:
                return first
            if writes:
                first = statement.value
            writes = 0
            continue
        if isinstance(statement, NESTED_SCOPES):
            continue
        nodes = [statement, *own_nodes(ast.Module(body=[statement], type_ignores=[]))]
        if any(isinstance(n, LOOP_TYPES) for n in nodes):
            continue
        writes += sum(is_sql_write(n) or _is_attribute_write(n) for n in nodes)
    return None


def _is_attribute_write(node: ast.AST) -> bool:
    """``order.status = ...`` or ``account.balance -= ...`` on a loaded object (not ``self``)."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
    return any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id != "self"
               for t in targets)
