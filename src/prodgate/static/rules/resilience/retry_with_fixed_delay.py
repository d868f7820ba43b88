from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import own_walk, retry_loop

SLEEPS = frozenset({"time.sleep"})


def _constant_delay(ctx: FileContext, expr: ast.expr | None) -> bool:
    if isinstance(expr, ast.Name):
        value = ctx.value_of(expr)
        expr = value if value is not None else expr
    return isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float)) and not isinstance(expr.value, bool)


class RetryWithFixedDelay(Rule):
    """
    ## What it does
    Finds loops that retry a failed remote call after `time.sleep(<constant>)`: the same delay
    before every attempt, with no exponential backoff and no jitter.

    ## Why is this bad
    When a dependency has a hiccup, every client that saw the failure retries after exactly the
    same pause, so they all arrive together again (a synchronised retry storm) and knock the
    recovering service over once more. A fixed short delay also gives an overloaded service no
    room to recover.

    ## Example
    ```python
    for attempt in range(5):
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            time.sleep(2)
    ```

    ## Use instead
    ```python
    for attempt in range(5):
        try:
            return requests.get(url, timeout=5).json()
        except requests.RequestException:
            time.sleep(random.uniform(0, min(30, 0.5 * 2 ** attempt)))
    ```

    ## Known limitations
    `while True` retry loops without an attempt limit are reported by PG110 instead. Delays held
    in attributes or computed by helpers are not recognised as constant.
    Test files are not checked.

    ## References
    - https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
    """

    meta = RuleMeta(
        code="PG111",
        name="retry-with-fixed-delay",
        category="resilience.retry",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNCONTROLLED_RESOURCE_CONSUMPTION,),
        message="`{call}` is retried after a fixed `time.sleep`, so every client retries in lockstep and keeps a recovering dependency overloaded",
        tags=("retry",),
    )

    flagged = (
        """
        import time

        import requests

        RETRY_DELAY = 2

        def fetch_order(url):
            for attempt in range(5):
                try:
                    resp = requests.get(url, timeout=5)
                    resp.raise_for_status()
                    return resp.json()
                except requests.RequestException:
                    time.sleep(RETRY_DELAY)  # error: PG111
            raise RuntimeError("order service unavailable")
        """,
        """
        import time

        import redis

        cache = redis.Redis(host="cache", socket_timeout=2)

        def reserve(key, tries=3):
            while tries:
                tries -= 1
                try:
                    return cache.set(key, 1, nx=True)
                except redis.ConnectionError:
                    pass
                time.sleep(0.5)  # error: PG111
        """,
    )
    clean = (
        """
        import random
        import time

        import requests

        def fetch_order(url):
            for attempt in range(5):
                try:
                    return requests.get(url, timeout=5).json()
                except requests.RequestException:
                    time.sleep(random.uniform(0, 2 ** attempt))
            raise RuntimeError("order service unavailable")
        """,
        """
        import time

        import requests

        def poll(urls):
            for url in urls:
                requests.get(url, timeout=5)
                time.sleep(1)
        """,
    )

    def visit_For(self, node: ast.For, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_While(self, node: ast.While, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node: ast.For | ast.While, ctx: FileContext) -> None:
        found = None if ctx.is_test_file else retry_loop(ctx, node)
        if found is None or found.unbounded:
            return
        retry_path = [s for s in node.body if s is not found.attempt]
        for handler in found.attempt.handlers:
            retry_path.extend(handler.body)
        for child in own_walk(retry_path):
            if (isinstance(child, ast.Call) and ctx.call_name(child) in SLEEPS
                    and _constant_delay(ctx, ctx.argument(child, 0, "secs"))):
                ctx.report(child, call=ast.unparse(found.calls[0].func))
                return
