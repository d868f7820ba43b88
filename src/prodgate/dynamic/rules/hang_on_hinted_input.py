from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.rules import FUZZ_STAGE


class HangOnHintedInput(Rule):
    """
    ## What it does
    Proves that a function does not return on a small input its type hints allow. The call
    outlasts the per-call limit (`call-timeout-ms`) and then five times that limit, or the
    sandbox process outlasts its wall-time limit inside the call.

    ## Why is this bad
    A loop whose exit condition an input skips (an odd number halved to zero by steps of two, a
    negative step, a cycle in "linked" data) holds a worker forever; under load every worker
    ends up stuck and the service stops answering.

    ## Example
    ```python
    def steps_to_zero(n: int) -> int:
        steps = 0
        while n != 0:      # n=1 never reaches 0
            n -= 2
            steps += 1
        return steps
    ```

    ## Use instead
    ```python
    def steps_to_zero(n: int) -> int:
        return (abs(n) + 1) // 2
    ```

    ## Known limitations
    Only inputs without a number or collection of 10,000 or more count: slowness on a huge input
    is left to PG903.
    """

    meta = RuleMeta(
        code="PG902", name="hang-on-hinted-input", category="dynamic.hang", severity=Severity.HIGH,
        confidence=Confidence.HIGH, cwe=(835, 400),
        message="{function} does not return on a small input its type hints allow", tags=("fuzz",),
    )
    stage = FUZZ_STAGE
    flagged = (
        """
        def steps_to_zero(n: int) -> int:  # error: PG902
            steps = 0
            while n != 0:
                n -= 2
                steps += 1
            return steps
        """,
    )
    clean = (
        """
        def steps_to_zero(n: int) -> int:
            return (abs(n) + 1) // 2
        """,
    )
