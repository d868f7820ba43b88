from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resources._helpers import is_released, local_target

EXECUTORS = frozenset({
    "concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor", "concurrent.futures.process.ProcessPoolExecutor",
    "multiprocessing.Pool", "multiprocessing.pool.Pool", "multiprocessing.pool.ThreadPool",
})
RELEASE = frozenset({"shutdown", "close", "terminate"})


class ExecutorWithoutShutdown(Rule):
    """
    ## What it does
    Finds a `ThreadPoolExecutor`, `ProcessPoolExecutor` or `multiprocessing` pool created in a
    function without a `with` block and never shut down (nor returned or stored for later).

    ## Why is this bad
    Every call of the function starts a new set of worker threads or processes that nobody
    stops. In a web worker or a task that runs thousands of times a day, the threads pile up
    until the container hits its thread or memory limit; process pools also keep child
    processes (and their memory) alive, and the interpreter can hang at exit waiting for them.

    ## Example
    ```python
    def fetch_rates(currencies):
        pool = ThreadPoolExecutor(max_workers=8)
        return list(pool.map(fetch_rate, currencies))
    ```

    ## Use instead
    ```python
    def fetch_rates(currencies):
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(fetch_rate, currencies))
    ```
    Or create one executor at module level and reuse it.

    ## Known limitations
    An executor passed to any other call is assumed to be owned (and shut down) by the callee.
    Test files are not checked.
    """

    meta = RuleMeta(
        code="PG303",
        name="executor-without-shutdown",
        category="resource.leak",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.MISSING_RELEASE, cwe.RELEASE_AFTER_LIFETIME),
        message="`{call}` starts a worker pool `{name}` on every call and never shuts it down, "
                "so threads or processes accumulate until the worker runs out of them",
        tags=("threads",),
    )

    flagged = (
        """
        from concurrent.futures import ThreadPoolExecutor

        def fetch_rates(currencies):
            pool = ThreadPoolExecutor(max_workers=8)  # error: PG303
            return list(pool.map(fetch_rate, currencies))
        """,
        """
        import concurrent.futures
        import multiprocessing

        def settle_batches(batches):
            executor = concurrent.futures.ProcessPoolExecutor()  # error: PG303
            futures = [executor.submit(settle, batch) for batch in batches]
            return [f.result() for f in futures]

        def reconcile(days):
            pool = multiprocessing.Pool(4)  # error: PG303
            return pool.map(reconcile_day, days)
        """,
    )
    clean = (
        """
        from concurrent.futures import ThreadPoolExecutor

        EXECUTOR = ThreadPoolExecutor(max_workers=8)

        def fetch_rates(currencies):
            with ThreadPoolExecutor(max_workers=8) as pool:
                return list(pool.map(fetch_rate, currencies))

        def notify_all(hooks):
            pool = ThreadPoolExecutor()
            try:
                return list(pool.map(call_hook, hooks))
            finally:
                pool.shutdown(wait=True)
        """,
        """
        from concurrent.futures import ThreadPoolExecutor

        class Dispatcher:
            def start(self):
                pool = ThreadPoolExecutor()
                self.pool = pool
        """,
    )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not isinstance(node.value, ast.Call):
            return
        call = ctx.call_name(node.value)
        if call not in EXECUTORS:
            return
        name = local_target(ctx, node)
        if name is not None and not is_released(ctx, name, RELEASE, node):
            ctx.report(node, name=name, call=call.rsplit(".", 1)[-1])
