from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.chaos.rules import CHAOS_STAGE


class ErrorAnswerUsedAsData(Rule):
    """
    ## What it does
    Proves that, when a dependency answers with an error (`http-500`, `http-502`, `http-503`,
    `http-429`), the project reads the body of the answer without looking at its status, and the
    test then fails on the value: a failed assertion, or a crash such as `KeyError` on the error
    document.

    ## Why is this bad
    An error answer is well-formed HTTP: nothing raises until the code digs into a body that
    describes an error instead of the resource. The failure surfaces far from the call, as a
    `KeyError`, a `None` stored in the database or a wrong total shown to a user, and the real
    cause (the payments API was down) is lost.

    ## Example
    ```python
    def exchange_rate(url):
        return requests.get(url, timeout=2).json()["rate"]   # KeyError on {"error": ...}
    ```

    ## Use instead
    ```python
    def exchange_rate(url):
        response = requests.get(url, timeout=2)
        response.raise_for_status()
        return response.json()["rate"]
    ```

    ## Known limitations
    Only reads through the clients' own response objects are tracked (`json()`, `text`,
    `content`, `read()`); a status check anywhere before the read counts as a check.
    """

    meta = RuleMeta(
        code="PG953", name="error-answer-used-as-data", category="resilience.unchecked-response",
        severity=Severity.HIGH, confidence=Confidence.MEDIUM, cwe=(252, 754),
        message="under {fault} the error answer of the call at {site} is used without a status check",
        tags=("chaos",),
    )
    stage = CHAOS_STAGE
    flagged = (
        """
        import requests

        def exchange_rate(url):
            try:
                return requests.get(url, timeout=1).json()["rate"]  # error: PG953
            except requests.RequestException:
                return None

        def test_exchange_rate(api_url):
            assert exchange_rate(api_url) == 1.1
        """,
    )
    clean = (
        """
        import requests

        def exchange_rate(url):
            try:
                response = requests.get(url, timeout=1)
                response.raise_for_status()
                return response.json()["rate"]
            except requests.RequestException:
                return None

        def test_exchange_rate(api_url):
            assert exchange_rate(api_url) == 1.1
        """,
    )
