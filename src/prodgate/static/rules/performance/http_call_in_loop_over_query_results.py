from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.performance._helpers import http_call, loop_over_results


class HttpCallInLoopOverQueryResults(Rule):
    """
    ## What it does
    Finds a synchronous HTTP request (`requests`, `httpx`, `urlopen`, or a `requests.Session` /
    `httpx.Client`) made inside a loop (or comprehension) over the results of a database query.

    ## Why is this bad
    One remote call per row: a nightly job over 200 orders in staging makes 200,000 calls in
    production, runs for hours, trips the partner's rate limit (so half the rows fail), and
    holds the query's connection and transaction open the whole time.

    ## Example
    ```python
    for order in Order.objects.filter(status="shipped"):
        resp = requests.get(f"{CARRIER}/track/{order.tracking}", timeout=5)
        order.delivered = resp.json()["delivered"]
    ```

    ## Use instead
    ```python
    orders = list(Order.objects.filter(status="shipped")[:500])
    statuses = carrier.track_many([o.tracking for o in orders])  # one batch call
    ```
    When the API has no batch endpoint, bound the batch, run calls concurrently with a limit,
    and do it in a background job rather than a request.

    ## Known limitations
    Calls through a helper function (`notify(order)` that posts internally) are not followed.
    """

    meta = RuleMeta(
        code="PG381",
        name="http-call-in-loop-over-query-results",
        category="performance.n-plus-one",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.DATA_RESOURCE_ACCESS_IN_LOOP,),
        message="HTTP call `{call}` runs once per row of a query, so run time and partner load grow "
                "with the data",
        tags=("http", "database"),
    )

    flagged = (
        """
        import requests

        def refresh_tracking():
            for order in Order.objects.filter(status="shipped"):
                resp = requests.get(f"https://carrier/track/{order.tracking}", timeout=5)  # error: PG381
                order.delivered = resp.json()["delivered"]
                order.save()
        """,
        """
        import requests

        http = requests.Session()

        def push_refunds(session):
            refunds = session.query(Refund).filter(Refund.synced.is_(False)).all()
            for refund in refunds:
                http.post("https://ledger/refunds", json=refund.to_dict(), timeout=5)  # error: PG381
        """,
    )
    clean = (
        """
        import requests

        def refresh_tracking(trackings):
            for tracking in trackings:
                requests.get(f"https://carrier/track/{tracking}", timeout=5)
            orders = list(Order.objects.filter(status="shipped")[:500])
            return requests.post("https://carrier/track", json=[o.tracking for o in orders], timeout=30)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not ctx.loops() or ctx.is_test_file or not http_call(ctx, node):
            return
        if loop_over_results(ctx, node) is not None:
            ctx.report(node, call=ast.unparse(node.func))
