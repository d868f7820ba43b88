from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedHttpHeader(TaintRule):
    """
    ## What it does
    Finds untrusted input assigned to a response header (`response.headers[...] = value`).

    ## Why is this bad
    A value containing a carriage return and line feed ends the header and starts new ones: attackers set cookies, poison
    caches, or inject a body (response splitting). Older servers and proxies do not all
    reject it.

    ## Example
    ```python
    response.headers["X-Order"] = request.args["order"]
    ```

    ## Use instead
    ```python
    response.headers["X-Order"] = quote(request.args["order"])
    ```
    Encode or validate the value (no control characters) before it becomes a header.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG706",
        name="tainted-http-header",
        category="security.injection.other",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.CRLF_INJECTION,),
        message="untrusted {source} is written into a {sink}, so CR/LF characters can forge headers or split the response",
        tags=("taint",),
    )
    sink = "header"

    flagged = (
        """
        from flask import request, make_response

        def download():
            response = make_response("ok")
            response.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]  # error: PG706
            return response
        """,
    )
    clean = (
        """
        from urllib.parse import quote
        from flask import request, make_response

        def download():
            response = make_response("ok")
            response.headers["Content-Disposition"] = "attachment; filename=" + quote(request.args["name"])
            return response
        """,
    )
