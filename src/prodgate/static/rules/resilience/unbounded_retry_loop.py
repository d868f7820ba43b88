from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import retry_loop


class UnboundedRetryLoop(Rule):
    """
    ## What it does
    Finds `while True:` loops that retry a remote call (HTTP, database, cache, SMTP, socket)
    until it succeeds: the `try` leaves the loop on success, the `except` swallows the error, and
    nothing counts attempts or gives up.

    ## Why is this bad
    When the dependency is down for good (a revoked key, a deleted resource, a 4xx that will never
    turn into a 200), the loop spins for ever: the request or task never finishes, its worker is
    lost, and every instance hammers the failing service at the same rhythm, which keeps it down
    (a retry storm). Nothing is raised, so no alert fires.

    ## Example
    ```python
    while True:
        try:
            resp = requests.get(url, timeout=10)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            logger.warning("status check failed, retrying")
        time.sleep(1)
    ```

    ## Use instead
    ```python
    for attempt in range(MAX_ATTEMPTS):
        try:
            resp = requests.get(url, timeout=10)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            time.sleep(min(30, 2 ** attempt) * random.random())
    raise PayoutStatusUnavailable(payout_id)
    ```
    Or use `tenacity.retry(stop=stop_after_attempt(5), wait=wait_random_exponential())`.

    ## Known limitations
    Only remote calls the analyser recognises (requests, httpx, urllib, DB drivers, Redis, boto3,
    smtplib, sockets) make a loop a retry loop; calls through the project's own client wrappers
    are not seen. A deadline checked in the loop condition (`while time.monotonic() < deadline`)
    is not a `while True` and is not reported.
    Test files are not checked.

    ## References
    - https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
    """

    meta = RuleMeta(
        code="PG110",
        name="unbounded-retry-loop",
        category="resilience.retry",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.EXCESSIVE_ITERATION, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`while True` retries `{call}` with no attempt limit, so a lasting outage spins this worker forever and floods the dependency",
        tags=("retry",),
    )

    flagged = (
        """
        import logging
        import time

        import requests

        logger = logging.getLogger(__name__)

        def wait_for_payout(url):
            while True:  # error: PG110
                try:
                    resp = requests.get(url, timeout=10)
                    resp.raise_for_status()
                    payout = resp.json()
                    if payout["status"] in ("paid", "failed"):
                        return payout
                except requests.RequestException:
                    logger.warning("payout status check failed, retrying")
                time.sleep(1)
        """,
        """
        import psycopg2

        def connect_with_retry(dsn):
            while True:  # error: PG110
                try:
                    return psycopg2.connect(dsn, connect_timeout=5)
                except psycopg2.OperationalError:
                    continue
        """,
    )
    clean = (
        """
        import time

        import requests

        def wait_for_payout(url):
            attempts = 0
            while True:
                try:
                    return requests.get(url, timeout=10).json()
                except requests.RequestException:
                    attempts += 1
                    if attempts >= 5:
                        raise
                time.sleep(2 ** attempts)
        """,
        """
        import logging

        import requests

        def consume(queue):
            while True:
                event = queue.get(timeout=5)
                try:
                    if "url" not in event:
                        raise ValueError("event without url")
                    requests.post(event["url"], json=event, timeout=5)
                except (ValueError, requests.RequestException):
                    logging.exception("delivery failed")
        """,
        """
        def ask_amount():
            while True:
                try:
                    return int(input("amount: "))
                except ValueError:
                    print("not a number")
        """,
    )

    def visit_While(self, node: ast.While, ctx: FileContext) -> None:
        found = None if ctx.is_test_file else retry_loop(ctx, node)
        if found is not None and found.unbounded:
            ctx.report(node.test, call=ast.unparse(found.calls[0].func))
