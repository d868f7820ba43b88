from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.chaos.rules import CHAOS_STAGE


class HangUnderFault(Rule):
    """
    ## What it does
    Proves that a test does not finish within the deadline (`--deadline`, 10 s by default) when
    a call site it reaches meets a fault: typically `slow-response` on a client called without a
    timeout, or a retry loop without a bound under `connect-timeout`.

    ## Why is this bad
    requests, urllib3, httpx without a timeout, and most database and Redis clients by default,
    wait forever for a dependency that accepted the connection and never answers. Each such
    call holds a worker; under load all workers end up waiting and the service stops answering
    even though only one of its dependencies is slow.

    ## Example
    ```python
    def exchange_rate(url):
        response = requests.get(url)   # no timeout: waits as long as the server stalls
        response.raise_for_status()
        return response.json()["rate"]
    ```

    ## Use instead
    ```python
    def exchange_rate(url):
        response = requests.get(url, timeout=(3.05, 10))
        response.raise_for_status()
        return response.json()["rate"]
    ```

    ## Known limitations
    A test that is merely slow (its own work takes longer than the deadline) is reported too:
    raise the deadline for such suites.
    """

    meta = RuleMeta(
        code="PG951", name="hang-under-fault", category="dynamic.hang", severity=Severity.HIGH,
        confidence=Confidence.HIGH, cwe=(400, 1088),
        message="the call at {site} under {fault} keeps {test} running past its deadline", tags=("chaos",),
    )
    stage = CHAOS_STAGE
    flagged = (
        """
        import requests

        def exchange_rate(url):
            try:
                response = requests.get(url)  # error: PG951
                response.raise_for_status()
                return response.json()["rate"]
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
