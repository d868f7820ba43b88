from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedRequestUrl(TaintRule):
    """
    ## What it does
    Finds outbound HTTP requests whose URL, including its host, comes from untrusted input.

    ## Why is this bad
    The server sends the request from inside the network: attackers reach cloud metadata
    endpoints (credentials), admin panels and databases that are not exposed to the
    internet.

    ## Example
    ```python
    requests.get(request.args["callback"], timeout=5)
    ```

    ## Use instead
    ```python
    url = request.args["callback"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    requests.get(url, timeout=5)
    ```
    A URL whose scheme and host are fixed in code (`f"https://api.partner.com/{id}"`) is not reported.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG709",
        name="tainted-request-url",
        category="security.ssrf",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.SSRF,),
        message="untrusted {source} chooses the host of the request sent by `{sink}`, so an attacker can reach internal services",
        tags=("taint",),
    )
    sink = "ssrf"

    flagged = (
        """
        import requests
        from flask import request

        def preview():
            url = request.args.get("url")
            return requests.get(url, timeout=5).text  # error: PG709
        """,
    )
    clean = (
        """
        import requests
        from flask import request

        def order(order_id):
            oid = request.args.get("id")
            return requests.get(f"https://api.partner.example/orders/{oid}", timeout=5).json()
        """,
    )
