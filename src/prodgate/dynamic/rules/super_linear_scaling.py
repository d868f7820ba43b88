from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.rules import FUZZ_STAGE


class SuperLinearScaling(Rule):
    """
    ## What it does
    Proves that a function's time or peak memory grows quadratically or worse with the size of
    its input. The function is measured in the sandbox at growing sizes, and reported when the
    fit is confident and predicts more than the budget (`scaling-budget-ms`,
    `scaling-memory-budget-mb`) at the production size (`production-size`).

    ## Why is this bad
    A membership test on a list inside a loop, string concatenation in a loop or a pairwise
    comparison is instant on the ten items of a unit test and takes minutes, or all the memory
    of the machine, on the hundred thousand items production sends.

    ## Example
    ```python
    def dedupe(items: list[int]) -> list[int]:
        seen: list[int] = []
        for item in items:
            if item not in seen:     # a scan of seen for every item
                seen.append(item)
        return seen
    ```

    ## Use instead
    ```python
    def dedupe(items: list[int]) -> list[int]:
        return list(dict.fromkeys(items))
    ```

    ## Known limitations
    Inputs grow with ordinary distinct values: a function that is quadratic only on special
    inputs (all-equal keys, sorted input) is not measured on them.
    """

    meta = RuleMeta(
        code="PG903", name="super-linear-scaling", category="dynamic.scaling", severity=Severity.MEDIUM,
        confidence=Confidence.HIGH, cwe=(407,),
        message="{function} grows {growth} with input size and passes the budget at the production size",
        tags=("fuzz", "performance"),
    )
    stage = FUZZ_STAGE
    flagged = (
        """
        def dedupe(items: list[int]) -> list[int]:  # error: PG903
            seen: list[int] = []
            for item in items:
                if item not in seen:
                    seen.append(item)
            return seen
        """,
    )
    clean = (
        """
        def dedupe(items: list[int]) -> list[int]:
            return list(dict.fromkeys(items))
        """,
    )
