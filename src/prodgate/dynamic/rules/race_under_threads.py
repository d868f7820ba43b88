from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.rules import FUZZ_STAGE


class RaceUnderThreads(Rule):
    """
    ## What it does
    Proves that a function or method that touches shared state gives results under concurrency
    that no sequential order gives. Functions using a module global, a module-level container
    or the attributes of their instance run from two threads in forced orders (a line tracer
    stops the first thread before each line of the function in turn while the second runs a
    whole call), then from many threads switching every microsecond; async ones run as
    concurrent asyncio tasks. A result, an exception or a final state that no sequential run of
    the same calls produces is the proof; for a forced order or tasks, the finding shows the
    interleaving of lines that broke it (`thread 1: line 12; thread 2: lines 12-14; thread 1:
    lines 13-14`).

    ## Why is this bad
    A read-modify-write of shared state without a lock loses updates once a web server runs
    requests in threads or tasks: two orders get the same number, a counter drifts, a
    check-then-act hands out one seat twice. The bug never shows in a single-threaded test.

    ## Example
    ```python
    _next = 0

    def next_order_number() -> int:
        global _next
        current = _next
        _next = current + 1      # another thread may have read the same value
        return current
    ```

    ## Use instead
    ```python
    _lock = threading.Lock()

    def next_order_number() -> int:
        global _next
        with _lock:
            current = _next
            _next = current + 1
        return current
    ```

    ## Known limitations
    Forced orders switch threads only between lines, once per run and only in the first call of
    each thread: a race inside one line (`total += price(item)`), or one that needs earlier
    calls or a third thread, is shown only if the microsecond switching happens to hit it.
    Every call uses the same arguments.
    """

    meta = RuleMeta(
        code="PG904", name="race-under-threads", category="dynamic.race", severity=Severity.HIGH,
        confidence=Confidence.MEDIUM, cwe=(362,),
        message="{function} gives results under threads that no sequential order gives",
        tags=("fuzz", "concurrency"),
    )
    stage = FUZZ_STAGE
    flagged = (
        """
        _next = 0


        def next_order_number(prefix: str) -> str:  # error: PG904
            global _next
            current = _next
            label = f"{prefix.strip()}-{current}"
            _next = current + 1
            return label
        """,
    )
    clean = (
        """
        import threading

        _lock = threading.Lock()
        _next = 0


        def next_order_number(prefix: str) -> str:
            global _next
            with _lock:
                current = _next
                label = f"{prefix.strip()}-{current}"
                _next = current + 1
            return label
        """,
    )
