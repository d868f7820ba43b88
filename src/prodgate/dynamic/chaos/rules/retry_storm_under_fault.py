from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.chaos.rules import CHAOS_STAGE


class RetryStormUnderFault(Rule):
    """
    ## What it does
    Proves that, under a fault, a call site is retried more often than the budget allows
    (`max-retries`, 3 by default, per call the test makes without the fault) or retried at least
    twice with no pause of `min-backoff` (0.05 s) between attempts.

    ## Why is this bad
    A dependency that fails is usually overloaded. Clients that retry at once and without bound
    multiply its load at the worst moment: every caller turns one failed request into many, the
    dependency cannot recover, and the outage spreads to everything that shares it.

    ## Example
    ```python
    def exchange_rate(url):
        for _ in range(5):
            try:
                response = requests.get(url, timeout=0.5)
                response.raise_for_status()
                return response.json()["rate"]
            except requests.RequestException:
                continue   # at once, five times
        return None
    ```

    ## Use instead
    ```python
    def exchange_rate(url):
        for attempt in range(3):
            try:
                response = requests.get(url, timeout=0.5)
                response.raise_for_status()
                return response.json()["rate"]
            except requests.RequestException:
                time.sleep(0.1 * 2 ** attempt + random.uniform(0, 0.1))
        return None
    ```
    Or let the client retry: `urllib3.Retry(total=3, backoff_factor=0.5)` mounted on a
    `requests.Session`, or botocore's `retries={"mode": "standard"}`.

    ## Known limitations
    The budget is per call site: tune `max-retries` and `min-backoff` in the fault plan for a
    site whose retries are deliberate.
    """

    meta = RuleMeta(
        code="PG952", name="retry-storm-under-fault", category="resilience.retry", severity=Severity.MEDIUM,
        confidence=Confidence.HIGH, cwe=(834, 400),
        message="under {fault} the call at {site} is retried beyond the budget or without backoff", tags=("chaos",),
    )
    stage = CHAOS_STAGE
    flagged = (
        """
        import requests

        def exchange_rate(url):
            for _ in range(5):
                try:
                    response = requests.get(url, timeout=0.5)  # error: PG952
                    response.raise_for_status()
                    return response.json()["rate"]
                except requests.RequestException:
                    continue
            return None

        def test_exchange_rate(api_url):
            assert exchange_rate(api_url) == 1.1
        """,
    )
    clean = (
        """
        import time
        import requests

        def exchange_rate(url):
            for attempt in range(3):
                try:
                    response = requests.get(url, timeout=0.5)
                    response.raise_for_status()
                    return response.json()["rate"]
                except requests.RequestException:
                    time.sleep(0.1 * 2 ** attempt)
            return None

        def test_exchange_rate(api_url):
            assert exchange_rate(api_url) == 1.1
        """,
    )
