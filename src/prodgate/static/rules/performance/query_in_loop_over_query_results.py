from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules.performance._helpers import (
    callee_qualname,
    confirm_pending,
    loop_over_results,
    publish,
    publish_returned_rows,
    query_call,
)

KIND = "performs-query"


class QueryInLoopOverQueryResults(Rule):
    """
    ## What it does
    Finds a database query made inside a loop (or comprehension) that iterates over the results
    of another query: `Model.objects.get/filter(...)`, `session.query(...)`, `session.get(X, id)`
    or `cursor.execute(...)` once per row of `session.query(...).all()`, a Django queryset,
    `cursor.fetchall()` or a cursor.

    ## Why is this bad
    One page of 50 orders becomes 51 queries; an export of 100,000 orders becomes 100,001 round
    trips. Each adds network latency and database load: the endpoint that took 20 ms in
    development takes 30 s in production, times out, and the retries multiply the load on the
    database that every other endpoint needs.

    ## Example
    ```python
    orders = session.query(Order).filter(Order.status == "paid").all()
    for order in orders:
        customer = session.query(Customer).filter(Customer.id == order.customer_id).one()
        lines.append((order.id, customer.email))
    ```

    ## Use instead
    ```python
    rows = (session.query(Order, Customer).join(Customer, Customer.id == Order.customer_id)
            .filter(Order.status == "paid").all())
    lines = [(order.id, customer.email) for order, customer in rows]
    ```
    In Django use `select_related`/`prefetch_related`, or one `filter(id__in=...)` query.

    ## Known limitations
    Lazy loads through relationships (`order.customer.email` in Django or SQLAlchemy) are not
    seen: they need model definitions to tell a related field from a column. Project functions
    are followed one level (a loop over what a project function returns, a call of a project
    function that runs a query itself); deeper chains of helpers are not. Schema introspection queries (`PRAGMA`,
    `information_schema`, `pg_catalog`) are not reported, nor are migrations (Django
    `migrations/`, Alembic revisions), which run once at deploy time.
    """

    meta = RuleMeta(
        code="PG380",
        name="query-in-loop-over-query-results",
        category="performance.n-plus-one",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.DATA_RESOURCE_ACCESS_IN_LOOP,),
        message="query `{call}` runs once per row of another query, so the number of round trips grows "
                "with the data",
        tags=("database",),
    )

    flagged = (
        """
        def paid_order_emails(session):
            lines = []
            orders = session.query(Order).filter(Order.status == "paid").all()
            for order in orders:
                customer = session.query(Customer).filter(Customer.id == order.customer_id).one()  # error: PG380
                lines.append((order.id, customer.email))
            return lines
        """,
        """
        def invoice_totals(request):
            totals = {}
            for invoice in Invoice.objects.filter(paid=False):
                totals[invoice.id] = LineItem.objects.filter(invoice_id=invoice.id).count()  # error: PG380
            return totals
        """,
        """
        def refund_report(conn):
            cur = conn.cursor()
            cur.execute("SELECT id, order_id FROM refunds WHERE day = current_date")
            out = []
            for refund_id, order_id in cur.fetchall():
                cur.execute("SELECT total FROM orders WHERE id = %s", (order_id,))  # error: PG380
                out.append((refund_id, cur.fetchone()[0]))
            return out
        """,
        """
        def skus(session, order_ids):
            rows = session.execute(select(Order.id).where(Order.id.in_(order_ids)))
            return [session.get(Product, row.product_id) for row in rows]  # error: PG380
        """,
    )
    clean = (
        Example(
            """
            from alembic import op

            revision = "c0bc938b058e"
            down_revision = "9fa9b8d14a5b"

            def upgrade():
                conn = op.get_bind()
                for row in conn.execute("select id, name from organization").fetchall():
                    conn.execute("update organization set slug = %s where id = %s", (row[1].lower(), row[0]))
            """,
            path="app/database/revisions/versions/2021-07-22_c0bc938b058e.py",
        ),
        """
        def paid_order_emails(session):
            rows = (session.query(Order, Customer).join(Customer, Customer.id == Order.customer_id)
                    .filter(Order.status == "paid").all())
            return [(order.id, customer.email) for order, customer in rows]
        """,
        """
        def sync(order_ids, session):
            for order_id in order_ids:
                session.query(Order).filter(Order.id == order_id).update({"synced": True})
            for invoice in Invoice.objects.filter(paid=False):
                send_reminder(invoice)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        direct = query_call(node)
        if direct:
            publish(ctx, KIND)
        if not ctx.loops() or isinstance(ctx.parent(), ast.Attribute) or ctx.is_migration:
            return
        found = loop_over_results(ctx, node)
        if found is None:
            return
        _, producer = found
        if direct:
            ctx.report(node, call=_short(node), requires=(KIND, producer, "") if producer else None)
            return
        callee = callee_qualname(ctx, node)
        if callee is not None and "." in callee:
            ctx.report(node, call=_short(node), requires=(KIND, producer, callee))

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        publish_returned_rows(ctx, node)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        return confirm_pending(query, index)


def _short(node: ast.Call) -> str:
    text = ast.unparse(node.func)
    return text if len(text) <= 60 else text[:57] + "..."
