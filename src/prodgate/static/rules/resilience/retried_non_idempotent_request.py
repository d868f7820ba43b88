from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import (
    is_non_idempotent,
    mentions_idempotency,
    own_walk,
    retry_loop,
)

RETRY_DECORATORS = frozenset({
    "tenacity.retry", "backoff.on_exception", "backoff.on_predicate", "retrying.retry", "retry.retry",
    "stamina.retry",
})


class RetriedNonIdempotentRequest(Rule):
    """
    ## What it does
    Finds POST requests (and payment-provider `create` calls such as `stripe.Charge.create`)
    inside a retry loop or a function decorated with `tenacity.retry`, `backoff.on_exception`,
    `retrying.retry` or `stamina.retry`, when nothing in the function mentions an idempotency key.

    ## Why is this bad
    A timeout or a dropped connection does not mean the request failed: the provider may have
    created the charge and lost only the answer. Retrying the POST then charges the customer
    twice, creates a duplicate order or sends a second payout. This only shows up under real
    network faults, never in a local test.

    ## Example
    ```python
    for attempt in range(3):
        try:
            resp = requests.post(f"{API}/charges", json=payload, timeout=10)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            time.sleep(2 ** attempt)
    ```

    ## Use instead
    ```python
    headers = {"Idempotency-Key": f"charge-{order_id}"}
    for attempt in range(3):
        try:
            resp = requests.post(f"{API}/charges", json=payload, headers=headers, timeout=10)
            ...
    ```
    The key must be derived from the business operation (order, invoice), not generated per
    attempt.

    ## Known limitations
    Any mention of "idempotency" in the function (a header built by a helper, a comment) counts
    as a key. POST endpoints that are idempotent by design (searches, token exchanges) are
    reported too when retried.
    Test files are not checked.

    ## References
    - https://stripe.com/docs/api/idempotent_requests
    - https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
    """

    meta = RuleMeta(
        code="PG112",
        name="retried-non-idempotent-request",
        category="resilience.retry",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.IDEMPOTENCY_REPLAY,),
        message="`{call}` is retried without an idempotency key, so a timeout after the server acted creates a duplicate charge or record",
        tags=("retry", "idempotency"),
    )

    flagged = (
        """
        import time

        import requests

        def create_charge(api, payload):
            for attempt in range(3):  # error: PG112
                try:
                    resp = requests.post(f"{api}/charges", json=payload, timeout=10)
                    resp.raise_for_status()
                    return resp.json()
                except requests.RequestException:
                    time.sleep(2 ** attempt)
            raise RuntimeError("charge failed")
        """,
        """
        import requests
        from tenacity import retry, stop_after_attempt, wait_random_exponential

        @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=30))
        def create_order(api, order):
            resp = requests.post(f"{api}/orders", json=order, timeout=10)  # error: PG112
            resp.raise_for_status()
            return resp.json()["id"]
        """,
    )
    clean = (
        """
        import time

        import requests

        def create_charge(api, payload, order_id):
            headers = {"Idempotency-Key": f"charge-{order_id}"}
            for attempt in range(3):
                try:
                    return requests.post(f"{api}/charges", json=payload, headers=headers, timeout=10).json()
                except requests.RequestException:
                    time.sleep(2 ** attempt)
            raise RuntimeError("charge failed")
        """,
        """
        import requests
        from tenacity import retry, stop_after_attempt

        @retry(stop=stop_after_attempt(3))
        def order_status(api, order_id):
            return requests.get(f"{api}/orders/{order_id}", timeout=5).json()
        """,
    )

    def visit_For(self, node: ast.For, ctx: FileContext) -> None:
        self._check_loop(node, ctx)

    def visit_While(self, node: ast.While, ctx: FileContext) -> None:
        self._check_loop(node, ctx)

    def _check_loop(self, node: ast.For | ast.While, ctx: FileContext) -> None:
        found = None if ctx.is_test_file else retry_loop(ctx, node)
        if found is None:
            return
        for call in found.calls:
            if is_non_idempotent(ctx, call):
                if not self._keyed(ctx):
                    ctx.report(node.target if isinstance(node, ast.For) else node.test, call=ast.unparse(call.func))
                return

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check_decorated(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check_decorated(node, ctx)

    def _check_decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if not any(name in RETRY_DECORATORS for name in ctx.decorators(node)):
            return
        if mentions_idempotency(ctx, node):
            return
        for child in own_walk(node.body):
            if isinstance(child, ast.Call) and is_non_idempotent(ctx, child):
                ctx.report(child, call=ast.unparse(child.func))
                return

    @staticmethod
    def _keyed(ctx: FileContext) -> bool:
        function = ctx.function()
        return mentions_idempotency(ctx, function if function is not None else ctx.tree)
