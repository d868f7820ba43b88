from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.rules import FUZZ_STAGE


class CrashOnHintedInput(Rule):
    """
    ## What it does
    Proves that a function crashes on an input its type hints allow. A crash is an unintended
    exception (`IndexError`, `KeyError`, `ZeroDivisionError`, a builtin's `ValueError`, an
    exception from inside a library...) or a process taken down (`os._exit`, a signal,
    exhausted memory, runaway output). The finding carries the shrunk input as a Python call.

    ## Why is this bad
    The hints are the function's promise to its callers: an empty list, a missing key, `NaN`
    or a unicode name is a value production sends sooner or later, and the crash turns one odd
    request into a 500 or a dead worker. A deliberate `ValueError` with a message from the
    function's own validation is not a crash.

    ## Example
    ```python
    def average(values: list[float]) -> float:
        return sum(values) / len(values)   # average(values=[]) raises ZeroDivisionError
    ```

    ## Use instead
    ```python
    def average(values: list[float]) -> float:
        if not values:
            raise ValueError("average of no values")
        return sum(values) / len(values)
    ```

    ## Known limitations
    Hints are wider than contracts: a precondition only the docstring states is not known, so
    declare the exceptions a function may raise under `[tool.prodgate.fuzz.expected]` or narrow
    the hint (`Literal`, an `Enum`, a validating dataclass).
    """

    meta = RuleMeta(
        code="PG901", name="crash-on-hinted-input", category="dynamic.crash", severity=Severity.HIGH,
        confidence=Confidence.HIGH, cwe=(248, 754),
        message="{function} raises {exception} on an input its type hints allow", tags=("fuzz",),
    )
    stage = FUZZ_STAGE
    flagged = (
        """
        def average(values: list[float]) -> float:  # error: PG901
            return sum(values) / len(values)
        """,
        """
        def first_word(text: str) -> str:  # error: PG901
            return text.split()[0]
        """,
    )
    clean = (
        """
        def average(values: list[float]) -> float:
            if not values:
                raise ValueError("average of no values")
            return sum(values) / len(values)
        """,
    )
