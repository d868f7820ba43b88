from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

# Decorator or retrying object -> keywords of which one bounds the retries.
LIMITS: dict[str, tuple[str, ...]] = {
    "tenacity.retry": ("stop",),
    "tenacity.Retrying": ("stop",),
    "tenacity.AsyncRetrying": ("stop",),
    "backoff.on_exception": ("max_tries", "max_time"),
    "backoff.on_predicate": ("max_tries", "max_time"),
    "retrying.retry": ("stop", "stop_max_attempt_number", "stop_max_delay", "stop_func"),
}


class RetryDecoratorWithoutLimit(Rule):
    """
    ## What it does
    Finds `tenacity.retry` / `Retrying` without `stop=`, `backoff.on_exception` /
    `on_predicate` without `max_tries` or `max_time`, and `retrying.retry` without a stop
    condition.

    ## Why is this bad
    All three libraries retry **forever** by default. When the dependency is down for longer
    than a blip, or the error is permanent (a 4xx wrapped in a retried exception, a bad
    credential), the decorated call never returns: the request or task holds its worker for
    ever and keeps hammering the failing service.

    ## Example
    ```python
    @retry(wait=wait_exponential(max=30))
    def capture(charge_id):
        ...
    ```

    ## Use instead
    ```python
    @retry(wait=wait_random_exponential(max=30), stop=stop_after_attempt(5) | stop_after_delay(60))
    def capture(charge_id):
        ...
    ```

    ## References
    - https://tenacity.readthedocs.io/en/latest/#stopping
    - https://github.com/litl/backoff#examples
    """

    meta = RuleMeta(
        code="PG113",
        name="retry-decorator-without-limit",
        category="resilience.retry",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.EXCESSIVE_ITERATION, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` has no stop condition and retries forever, so a lasting failure holds this worker and floods the dependency",
        tags=("retry",),
    )

    flagged = (
        """
        import backoff
        import requests
        from tenacity import retry, wait_exponential

        @retry  # error: PG113
        def order_status(url):
            return requests.get(url, timeout=5).json()

        @retry(wait=wait_exponential(max=30))  # error: PG113
        def capture(url):
            return requests.post(url, timeout=5, headers={"Idempotency-Key": url})

        @backoff.on_exception(backoff.expo, requests.RequestException)  # error: PG113
        def refund_status(url):
            return requests.get(url, timeout=5).json()
        """,
        """
        import tenacity

        def sync_ledger(post_entries):
            for attempt in tenacity.Retrying(wait=tenacity.wait_fixed(1)):  # error: PG113
                with attempt:
                    post_entries()
        """,
    )
    clean = (
        """
        import backoff
        import requests
        from tenacity import retry, stop_after_attempt, wait_random_exponential

        @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=30))
        def order_status(url):
            return requests.get(url, timeout=5).json()

        @backoff.on_exception(backoff.expo, requests.RequestException, max_time=60)
        def refund_status(url):
            return requests.get(url, timeout=5).json()

        def retry(func):
            return func

        @retry
        def local(url):
            return url
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check_decorators(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check_decorators(node, ctx)

    def _check_decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = ctx.qualname(target)
            if name in LIMITS and not (isinstance(decorator, ast.Call) and self._limited(ctx, decorator, name)):
                ctx.report(decorator, call=name)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name in ("tenacity.Retrying", "tenacity.AsyncRetrying") and not self._limited(ctx, node, name):
            ctx.report(node, call=name)

    @staticmethod
    def _limited(ctx: FileContext, call: ast.Call, name: str) -> bool:
        return ctx.has_splat(call) or any(ctx.keyword(call, keyword) for keyword in LIMITS[name])
