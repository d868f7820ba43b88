from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import chain, is_request_handler

BOUNDING = frozenset({
    "filter", "filter_by", "where", "limit", "slice", "first", "one", "one_or_none", "get", "paginate",
    "fetch", "exists", "count", "scalar", "scalar_one", "having",
})
MATERIALISERS = frozenset({"list", "len", "tuple", "sorted"})


class OrmQueryWithoutLimit(Rule):
    """
    ## What it does
    Finds ORM queries that load a whole table into memory: SQLAlchemy `session.query(X).all()`,
    `Model.query.all()` and `session.execute(select(X)).scalars().all()` with no `filter`,
    `where` or `limit` in the chain, and, inside Django views, `Model.objects.all()` passed to
    `list()`, `len()`, `tuple()` or `sorted()`.

    ## Why is this bad
    Every row becomes a Python object with identity-map bookkeeping: a table that held 50 rows
    in development holds millions in production, the request takes seconds, the worker's
    memory balloons and the container is OOM-killed. `len(queryset)` loads all rows just to
    count them.

    ## Example
    ```python
    @app.get("/orders")
    def list_orders():
        orders = db.session.query(Order).all()
        return jsonify([o.to_dict() for o in orders])
    ```

    ## Use instead
    ```python
    @app.get("/orders")
    def list_orders():
        page = request.args.get("page", 1, type=int)
        orders = db.session.query(Order).order_by(Order.id).limit(50).offset((page - 1) * 50).all()
        return jsonify([o.to_dict() for o in orders])
    ```
    In Django use `.count()` instead of `len()`, and paginate or `.iterator()` large results.

    ## Known limitations
    A `filter` or `where` counts as bounding, even when it matches most rows. Queries built in
    steps (`q = session.query(X); q.all()`) are not followed. Django querysets are only checked
    in functions taking `request` (views). Migrations (Django `migrations/`, Alembic revisions)
    are not checked: a data migration reads the whole table once, at deploy time, by design.
    """

    meta = RuleMeta(
        code="PG351",
        name="orm-query-without-limit",
        category="memory.unbounded",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.UNCONTROLLED_RESOURCE_CONSUMPTION, cwe.RESOURCE_WITHOUT_LIMITS),
        message="`{query}` loads every row of the table into memory, so memory and latency grow with "
                "the table until the worker is killed",
        tags=("database", "sqlalchemy", "django"),
    )

    flagged = (
        """
        from flask import jsonify

        @app.get("/orders")
        def list_orders():
            orders = db.session.query(Order).all()  # error: PG351
            return jsonify([o.to_dict() for o in orders])

        def refunds():
            return Refund.query.order_by(Refund.created_at).all()  # error: PG351
        """,
        """
        from sqlalchemy import select

        def all_customers(session):
            return session.execute(select(Customer)).scalars().all()  # error: PG351
        """,
        """
        from django.http import JsonResponse

        def order_stats(request):
            orders = list(Order.objects.all())  # error: PG351
            return JsonResponse({"count": len(Order.objects.all()), "first": orders[0].id})  # error: PG351
        """,
    )
    clean = (
        Example(
            """
            import sqlalchemy as sa
            from alembic import op
            from sqlalchemy import orm

            from app.models import Incident

            revision = "b73416df5744"
            down_revision = "a1c8e2f3d9b0"

            def upgrade():
                session = orm.Session(bind=op.get_bind())
                for incident in session.query(Incident).all():
                    incident.slug = incident.name.lower()
                    session.query(Incident).filter(Incident.parent_id == incident.id).update({"slug": incident.slug})
                session.commit()
            """,
            path="app/database/revisions/versions/2021-08-09_b73416df5744.py",
        ),
        """
        from sqlalchemy import select

        def recent(session, customer_id):
            a = session.query(Order).filter(Order.customer_id == customer_id).all()
            b = session.execute(select(Order).where(Order.paid).limit(100)).scalars().all()
            c = session.query(Order).order_by(Order.id).limit(50).all()
            return a, b, c
        """,
        """
        def order_stats(request):
            return {"count": Order.objects.count(), "page": list(Order.objects.all()[:50])}

        def rebuild_index():
            return list(Order.objects.all())
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "all" and not node.args:
            self._check_sqlalchemy(node, ctx)
        elif isinstance(func, ast.Name) and func.id in MATERIALISERS and len(node.args) == 1:
            self._check_django(node.args[0], ctx)

    def _check_sqlalchemy(self, node: ast.Call, ctx: FileContext) -> None:
        names = chain(node)
        if "objects" in names or BOUNDING.intersection(names) or ctx.is_test_file or ctx.is_migration:
            return
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else node
        root = _chain_root(receiver)
        if "query" in names and (isinstance(root, ast.Call) or _is_model_name(root)):
            ctx.report(node, query=ast.unparse(node))
        elif names[-3:] == ["execute", "scalars", "all"] and isinstance(root, ast.Call) and root.args:
            statement = root.args[0]
            inner = chain(statement)
            if (isinstance(statement, ast.Call) and ctx.call_name(statement) in ("sqlalchemy.select",)
                    and not BOUNDING.intersection(inner)):
                ctx.report(node, query=ast.unparse(node))

    @staticmethod
    def _check_django(arg: ast.expr, ctx: FileContext) -> None:
        if not (isinstance(arg, ast.Call) and chain(arg)[-2:] == ["objects", "all"]):
            return
        function = ctx.function()
        if function is not None and is_request_handler(ctx, function) and not ctx.is_test_file:
            ctx.report(arg, query=ast.unparse(arg))


def _chain_root(expr: ast.expr) -> ast.expr:
    """The call whose method starts the chain (``session.query(X)`` in ``session.query(X).all()``)."""
    while isinstance(expr, (ast.Call, ast.Attribute)):
        inner = expr.func if isinstance(expr, ast.Call) else expr.value
        if isinstance(expr, ast.Call) and isinstance(inner, ast.Attribute) and inner.attr in ("query", "execute"):
            return expr
        if isinstance(expr, ast.Attribute) and expr.attr == "query":
            return expr
        expr = inner
    return expr


def _is_model_name(expr: ast.expr) -> bool:
    return (isinstance(expr, ast.Attribute) and expr.attr == "query" and isinstance(expr.value, ast.Name)
            and expr.value.id[:1].isupper())
