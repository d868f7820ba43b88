from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import has_any_keyword

CLIENTS = frozenset({
    "redis.Redis", "redis.StrictRedis", "redis.client.Redis", "redis.client.StrictRedis", "redis.asyncio.Redis",
    "redis.ConnectionPool", "redis.BlockingConnectionPool", "redis.asyncio.ConnectionPool",
})
URL_FACTORIES = frozenset({
    "redis.from_url", "redis.Redis.from_url", "redis.StrictRedis.from_url", "redis.asyncio.from_url",
    "redis.asyncio.Redis.from_url", "redis.ConnectionPool.from_url", "redis.BlockingConnectionPool.from_url",
})
TIMEOUTS = ("socket_timeout", "socket_connect_timeout", "connection_pool")


class RedisClientWithoutTimeout(Rule):
    """
    ## What it does
    Finds Redis clients and connection pools (`redis.Redis`, `StrictRedis`, `from_url`,
    `ConnectionPool`) created without `socket_timeout` or `socket_connect_timeout`.

    ## Why is this bad
    redis-py's socket timeouts default to `None`: a Redis node that is failing over, swapping or
    behind a dropped network path makes every `GET` in the request path wait forever. A cache that
    was meant to make the service faster becomes the reason all workers are stuck.

    ## Example
    ```python
    redis_client = redis.Redis(host=REDIS_HOST, port=6379, db=1)
    ```

    ## Use instead
    ```python
    redis_client = redis.Redis(host=REDIS_HOST, port=6379, db=1,
                               socket_connect_timeout=2, socket_timeout=5)
    ```
    For a URL, add `?socket_timeout=5&socket_connect_timeout=2`.

    ## Known limitations
    A URL read from configuration may carry the timeouts as query parameters: `from_url` with a
    non-literal URL is reported with medium confidence.
    Test files are not checked.

    ## References
    - https://redis.readthedocs.io/en/stable/connections.html
    """

    meta = RuleMeta(
        code="PG104",
        name="redis-client-without-timeout",
        category="resilience.timeout",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` sets no socket timeout, so a stalled Redis server blocks every command forever",
        tags=("cache", "redis"),
    )

    flagged = (
        """
        import redis

        redis_client = redis.Redis(host="cache.internal", port=6379, db=1)  # error: PG104
        """,
        """
        from redis import StrictRedis, from_url

        from app import settings

        sessions = StrictRedis.from_url("redis://cache.internal:6379/2")  # error: PG104
        rate_limits = from_url(settings.RATE_LIMIT_REDIS_URL)  # error: PG104
        """,
    )
    clean = (
        """
        import redis

        pool = redis.ConnectionPool(host="cache.internal", socket_timeout=5)
        cache = redis.Redis(connection_pool=pool)
        locks = redis.Redis(host="cache.internal", socket_connect_timeout=2, socket_timeout=5)
        queue = redis.from_url("redis://cache.internal:6379/3?socket_timeout=5")
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if ctx.is_test_file:
            return
        if name in CLIENTS:
            if not has_any_keyword(ctx, node, TIMEOUTS):
                ctx.report(node, call=name)
            return
        if name not in URL_FACTORIES or has_any_keyword(ctx, node, TIMEOUTS):
            return
        url = ctx.argument(node, 0, "url")
        literal = ctx.value_of(url) if isinstance(url, ast.Name) else url
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            if "timeout" not in literal.value:
                ctx.report(node, call=name)
        elif url is not None:
            ctx.report(node, call=name, confidence=Confidence.MEDIUM)
