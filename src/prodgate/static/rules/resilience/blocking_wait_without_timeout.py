from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import (
    constructor_call,
    enclosing_loop_source,
    is_service_code,
)

QUEUES = frozenset({
    "queue.Queue", "queue.LifoQueue", "queue.PriorityQueue", "queue.SimpleQueue", "multiprocessing.Queue",
    "multiprocessing.JoinableQueue",
})
EXECUTORS = frozenset({
    "concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor", "concurrent.futures.process.ProcessPoolExecutor",
})
# (receiver constructor, method) -> (position of ``block``/``blocking`` or -1, position of ``timeout``).
WAITS: dict[tuple[str, str], tuple[int, int]] = {
    **{(queue, "get"): (0, 1) for queue in QUEUES},
    ("threading.Event", "wait"): (-1, 0),
    ("threading.Condition", "wait"): (-1, 0),
    ("threading.Condition", "wait_for"): (-1, 1),
    ("threading.Semaphore", "acquire"): (0, 1),
    ("threading.BoundedSemaphore", "acquire"): (0, 1),
    ("future", "result"): (-1, 0),
    ("future", "exception"): (-1, 0),
}
BLOCK_NAMES = ("block", "blocking")


class BlockingWaitWithoutTimeout(Rule):
    """
    ## What it does
    Finds waits with no timeout on objects whose type is known from their construction:
    `queue.Queue.get()`, `threading.Event.wait()`, `Condition.wait()`, `Semaphore.acquire()`,
    and `Future.result()` on futures returned by an executor's `submit`. `Thread.join()` is left
    alone: joining a thread one started, at shutdown, is how threads are meant to end.

    ## Why is this bad
    These calls return only when another thread or process does its part. When that producer
    crashes, deadlocks or waits on a dead dependency itself, the waiting worker never wakes up
    and cannot even be shut down cleanly: deploys hang, the pool shrinks one thread at a time and
    nothing is logged, because nothing failed.

    ## Example
    ```python
    futures = [pool.submit(fetch_settlement, batch_id) for batch_id in batch_ids]
    for future in futures:
        rows.extend(future.result())
    ```

    ## Use instead
    ```python
    for future in futures:
        rows.extend(future.result(timeout=60))
    ```
    Or iterate `concurrent.futures.as_completed(futures, timeout=60)`; for queues, loop on
    `get(timeout=1)` and check a stop event.

    ## Known limitations
    `Lock.acquire()` is not reported: a lock guarding a short critical section is the normal
    way to use it. Objects received as parameters are not followed. Tests, scripts, management
    commands and `__main__` blocks are not checked.

    ## References
    - https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future.result
    - https://docs.python.org/3/library/queue.html#queue.Queue.get
    """

    meta = RuleMeta(
        code="PG106",
        name="blocking-wait-without-timeout",
        category="resilience.timeout",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` waits with no timeout, so a stuck producer or worker blocks this thread forever",
        tags=("threading",),
    )

    flagged = (
        """
        import queue

        work_queue = queue.Queue(maxsize=1000)

        def ledger_worker(post):
            while True:
                job = work_queue.get()  # error: PG106
                post(job)
        """,
        """
        from concurrent.futures import ThreadPoolExecutor

        def fetch_batches(fetch, batch_ids):
            pool = ThreadPoolExecutor(max_workers=8)
            futures = [pool.submit(fetch, batch_id) for batch_id in batch_ids]
            rows = []
            for future in futures:
                rows.extend(future.result())  # error: PG106
            return rows
        """,
        """
        import concurrent.futures
        import threading

        def settle(charge, notify):
            done = threading.Event()
            with concurrent.futures.ThreadPoolExecutor() as pool:
                receipt = pool.submit(notify, charge, done)
                done.wait()  # error: PG106
                return receipt.result()  # error: PG106
        """,
    )
    clean = (
        """
        import queue
        import threading
        from concurrent.futures import ThreadPoolExecutor, as_completed

        work_queue = queue.Queue()
        stop = threading.Event()

        def worker(fetch, ids):
            while not stop.is_set():
                try:
                    job = work_queue.get(timeout=1)
                except queue.Empty:
                    continue
                work_queue.get(False)
                stop.wait(5)
            with ThreadPoolExecutor() as pool:
                futures = [pool.submit(fetch, i) for i in ids]
                for future in as_completed(futures, timeout=60):
                    future.result()
        """,
        """
        import threading

        lock = threading.Lock()

        def increment(counter):
            lock.acquire()
            try:
                counter["n"] += 1
            finally:
                lock.release()
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in ("get", "wait", "wait_for", "acquire",
                                                                       "result", "exception"):
            return
        kind = self._receiver_kind(ctx, func.value)
        positions = WAITS.get((kind, func.attr)) if kind else None
        if positions is None or ctx.has_splat(node):
            return
        block_position, timeout_position = positions
        timeout = ctx.argument(node, timeout_position, "timeout")
        blocks = [ctx.argument(node, block_position, name) for name in BLOCK_NAMES] if block_position >= 0 else []
        if timeout is not None or any(isinstance(b, ast.Constant) and not b.value for b in blocks):
            return
        if is_service_code(ctx):
            ctx.report(node, call=f"{ast.unparse(func.value)}.{func.attr}")

    @staticmethod
    def _receiver_kind(ctx: FileContext, receiver: ast.expr) -> str | None:
        call = constructor_call(ctx, receiver)
        if call is None and isinstance(receiver, ast.Name):
            call = _submitted_in_loop(ctx, receiver)
        if call is None:
            return None
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "submit":
            executor = constructor_call(ctx, func.value)
            return "future" if executor is not None and ctx.call_name(executor) in EXECUTORS else None
        return ctx.call_name(call)


def _submitted_in_loop(ctx: FileContext, name: ast.Name) -> ast.Call | None:
    """The ``submit`` call when ``name`` is the target of ``for name in [pool.submit(...) ...]``."""
    source = enclosing_loop_source(ctx, name)
    if isinstance(source, (ast.ListComp, ast.GeneratorExp, ast.SetComp)) and isinstance(source.elt, ast.Call):
        return source.elt
    return None
