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
    http_call,
    loop_over_results,
    publish,
    publish_returned_rows,
)

KIND = "performs-http"


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
    Project functions are followed one level: a loop over what a project function returns
    (when that function returns a query's results) and a call of a project function or method
    that itself makes an HTTP request are recognised; deeper chains of helpers are not.
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
        Example(
            """
            from app import repository
            from app.ledger import LedgerClient

            ledger = LedgerClient()

            def sync_balances(session):
                for merchant in repository.list_merchants(session):
                    ledger.account_balance(merchant.ledger_account_id)  # error: PG381
                    repository.touch(merchant)
            """,
            path="app/jobs.py",
            files={
                "app/__init__.py": "",
                "app/repository.py": "def list_merchants(session):\n"
                                     "    return session.query(Merchant).order_by(Merchant.name).all()\n"
                                     "def touch(merchant):\n    merchant.seen = True\n",
                "app/ledger.py": "import requests\n\n\nclass LedgerClient:\n    def __init__(self):\n"
                                 "        self.session = requests.Session()\n\n"
                                 "    def account_balance(self, account_id):\n"
                                 "        return self.session.get(f'https://ledger/{account_id}', timeout=5).json()\n",
            },
        ),
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
        if ctx.is_test_file:
            return
        direct = http_call(ctx, node)
        if direct:
            publish(ctx, KIND)
        if not ctx.loops():
            return
        found = loop_over_results(ctx, node)
        if found is None:
            return
        _, producer = found
        if direct:
            ctx.report(node, call=ast.unparse(node.func), requires=(KIND, producer, "") if producer else None)
            return
        callee = callee_qualname(ctx, node)
        if callee is not None and "." in callee:
            ctx.report(node, call=ast.unparse(node.func), requires=(KIND, producer, callee))

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        publish_returned_rows(ctx, node)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        return confirm_pending(query, index)
