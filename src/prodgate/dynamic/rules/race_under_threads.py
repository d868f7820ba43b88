from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.rules import FUZZ_STAGE


class RaceUnderThreads(Rule):
    """
    ## What it does
    Proves that a function or method that touches shared state gives results under concurrency
    that no sequential order gives. Functions using a module global, a module-level container
    or the attributes of their instance run from many threads (async ones as many concurrent
    asyncio tasks, with the interleaving of their lines that broke them); a result, an
    exception or a final state that no sequential run of the same calls produces is the proof.

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
    A race is shown only when the probe's threads or tasks interleave inside the window; a
    narrow window between two lines may not be hit.
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
