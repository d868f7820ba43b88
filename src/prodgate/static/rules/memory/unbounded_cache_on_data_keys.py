from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import DATA_KEY

UNBOUNDED = frozenset({"functools.cache"})
LRU = frozenset({"functools.lru_cache"})


class UnboundedCacheOnDataKeys(Rule):
    """
    ## What it does
    Finds `@functools.cache` and `@functools.lru_cache(maxsize=None)` on functions whose
    parameters are per-request data: ids, emails, tokens, URLs, queries, dates, amounts
    (`get_customer(customer_id)`, `geocode(address)`, `fx_rate(currency, day)`).

    ## Why is this bad
    An unbounded cache keeps every result it ever computed for the life of the process. Keyed
    by customer id, token or URL, it gains an entry per distinct user or request, so memory
    grows with traffic and never shrinks until the worker is OOM-killed; it also serves stale
    records forever (a customer's changed address, a revoked token's claims).

    ## Example
    ```python
    @functools.cache
    def get_customer(customer_id: int) -> Customer:
        return billing_api.fetch_customer(customer_id)
    ```

    ## Use instead
    ```python
    @functools.lru_cache(maxsize=4096)
    def get_customer(customer_id: int) -> Customer:
        return billing_api.fetch_customer(customer_id)
    ```
    Or a TTL cache (`cachetools.TTLCache`) when the data can change.

    ## Known limitations
    Parameters are recognised by name (`*_id`, `email`, `token`, `url`, `date`, ...): a data key
    with another name (`customer`, `user`) is missed, and an id drawn from a small fixed set is
    still reported. Parameters annotated `bool` are ignored.
    """

    meta = RuleMeta(
        code="PG354",
        name="unbounded-cache-on-data-keys",
        category="memory.unbounded",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.RESOURCE_WITHOUT_LIMITS,),
        message="unbounded cache on `{function}` keyed by `{param}` keeps one entry per distinct value "
                "forever, so memory grows with traffic",
        tags=("caching",),
    )

    flagged = (
        """
        import functools

        @functools.cache  # error: PG354
        def get_customer(customer_id: int):
            return billing_api.fetch_customer(customer_id)
        """,
        """
        from functools import lru_cache

        class Rates:
            @lru_cache(maxsize=None)  # error: PG354
            def rate(self, currency, day):
                return fx_api.rate(currency, day)
        """,
    )
    clean = (
        """
        import functools

        @functools.lru_cache(maxsize=4096)
        def get_customer(customer_id: int):
            return billing_api.fetch_customer(customer_id)

        @functools.cache
        def get_backend(name: str):
            return import_string(name)

        @functools.lru_cache
        def settings():
            return load_settings()
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        decorator = self._unbounded_decorator(node, ctx)
        if decorator is None:
            return
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            is_flag = isinstance(arg.annotation, ast.Name) and arg.annotation.id == "bool"
            if DATA_KEY.search(arg.arg) and not is_flag:
                ctx.report(decorator, function=node.name, param=arg.arg)
                return

    visit_AsyncFunctionDef = visit_FunctionDef

    @staticmethod
    def _unbounded_decorator(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> ast.expr | None:
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call):
                maxsize = ctx.argument(decorator, 0, "maxsize")
                if (ctx.qualname(decorator.func) in LRU and isinstance(maxsize, ast.Constant)
                        and maxsize.value is None):
                    return decorator
            elif ctx.qualname(decorator) in UNBOUNDED:
                return decorator
        return None
