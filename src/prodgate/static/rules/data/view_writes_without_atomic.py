from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import chain, function_nodes, is_view

MANAGER_WRITES = frozenset({"create", "bulk_create", "update", "get_or_create", "update_or_create", "bulk_update",
                            "delete"})
INSTANCE_WRITES = frozenset({"save", "delete"})
NOT_MODELS = ("session", "cache", "messages", "response", "storage", "file")


class ViewWritesWithoutAtomic(Rule):
    """
    ## What it does
    Finds a Django view (a function or method taking `request`) that performs two or more ORM
    writes (`.save()`, `.delete()`, `Model.objects.create/update/bulk_create(...)`) without
    `transaction.atomic` (as a decorator or a `with` block).

    ## Why is this bad
    Django runs in autocommit mode: each write is committed on its own. When the second write
    fails (validation, a constraint, a timeout, the worker being recycled), the first is
    already permanent: an order without its line items, stock decremented for a cancelled
    checkout, a refund recorded without the payment being marked. The user retries and makes
    a second half-order.

    ## Example
    ```python
    def checkout(request):
        order = Order.objects.create(customer=request.user, total=cart_total(request))
        for item in cart_items(request):
            OrderLine.objects.create(order=order, sku=item.sku, qty=item.qty)
        return redirect("order-detail", order.id)
    ```

    ## Use instead
    ```python
    @transaction.atomic
    def checkout(request):
        ...
    ```

    ## Known limitations
    `ATOMIC_REQUESTS = True` in settings makes every view atomic; the rule does not read
    settings, so disable it for such projects. Writes done by helper functions called from the
    view are not counted. `request.session.save()` and cache deletes are not writes.
    """

    meta = RuleMeta(
        code="PG503",
        name="view-writes-without-atomic",
        category="data.transaction",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.SYNCHRONIZATION,),
        message="view `{function}` makes {count} database writes without `transaction.atomic`, so a "
                "failure part-way leaves a half-applied change",
        tags=("django", "database"),
    )

    flagged = (
        """
        from django.shortcuts import redirect

        def checkout(request):  # error: PG503
            order = Order.objects.create(customer=request.user, total=cart_total(request))
            for item in cart_items(request):
                OrderLine.objects.create(order=order, sku=item.sku, qty=item.qty)
            return redirect("order-detail", order.id)
        """,
        """
        from django.views import View

        class RefundView(View):
            def post(self, request, order_id):  # error: PG503
                order = Order.objects.get(pk=order_id)
                order.status = "refunded"
                order.save()
                Refund.objects.create(order=order, amount=order.total)
        """,
    )
    clean = (
        """
        from django.db import transaction

        @transaction.atomic
        def checkout(request):
            order = Order.objects.create(customer=request.user)
            OrderLine.objects.create(order=order, sku="x", qty=1)

        def cancel(request, order_id):
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=order_id)
                order.status = "cancelled"
                order.save()
                Stock.objects.filter(order=order).update(reserved=False)
        """,
        """
        def profile(request):
            request.user.last_seen = now()
            request.user.save()
            request.session.save()
            cache.delete("profile")
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if not is_view(node) or ctx.is_test_file or "django" not in ctx.text:
            return
        if any("atomic" in name for name in ctx.decorators(node)):
            return
        writes = 0
        for child in function_nodes(ctx, node):
            if isinstance(child, (ast.With, ast.AsyncWith)) and any(
                    "atomic" in ast.unparse(item.context_expr) for item in child.items):
                return
            if isinstance(child, ast.Call) and _is_orm_write(child):
                writes += 1
        if writes >= 2:
            ctx.report(node, function=node.name, count=writes)

    visit_AsyncFunctionDef = visit_FunctionDef


def _is_orm_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    names = chain(call)
    if "objects" in names:
        return func.attr in MANAGER_WRITES
    if func.attr in INSTANCE_WRITES and not call.args:
        receiver = ast.unparse(func.value).lower()
        return not any(word in receiver for word in NOT_MODELS)
    return False
