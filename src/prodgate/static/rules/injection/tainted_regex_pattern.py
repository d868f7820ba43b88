from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedRegexPattern(TaintRule):
    """
    ## What it does
    Finds regular expressions built from untrusted input (`re.compile(request.args['q'])`,
    `re.search(pattern, ...)`).

    ## Why is this bad
    An attacker-chosen pattern such as `(a+)+$` backtracks exponentially: one request pins a CPU
    for minutes and the service stops answering.

    ## Example
    ```python
    re.search(request.args["pattern"], text)
    ```

    ## Use instead
    ```python
    re.search(re.escape(request.args["pattern"]), text)
    ```
    Escape input that is meant literally, or use a linear-time engine (`re2`).
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG714",
        name="tainted-regex-pattern",
        category="security.redos",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.REDOS, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="untrusted {source} is compiled as the regular expression of `{sink}`, so one crafted pattern can stall a worker",
        tags=("taint",),
    )
    sink = "regex"

    flagged = (
        """
        import re
        from flask import request

        def filter_names(names):
            pattern = request.args.get("pattern", "")
            return [n for n in names if re.search(pattern, n)]  # error: PG714
        """,
    )
    clean = (
        """
        import re
        from flask import request

        def filter_names(names):
            pattern = re.escape(request.args.get("pattern", ""))
            return [n for n in names if re.search(pattern, n)]
        """,
    )
