from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedLogEntry(TaintRule):
    """
    ## What it does
    Finds untrusted input passed as the message (format string) of the root `logging` functions.

    ## Why is this bad
    A message with newlines writes fake log lines (a second line reading `INFO user=admin logged in`), which
    misleads incident response and audit trails, and `%` sequences in a format string break
    the log call.

    ## Example
    ```python
    logging.warning("login failed for " + request.form["user"])
    ```

    ## Use instead
    ```python
    logging.warning("login failed for %r", request.form["user"])
    ```
    Pass input as an argument (with `%r` it is quoted and escaped), never as the message itself.
    ```python
    ```

    ## Known limitations
    Only the module-level `logging` functions are sinks; logger objects are not followed yet.
    """

    meta = RuleMeta(
        code="PG707",
        name="tainted-log-entry",
        category="security.injection.other",
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        cwe=(cwe.LOG_INJECTION,),
        message="untrusted {source} is the message of `{sink}`, so line breaks in it can forge log entries",
        tags=("taint",),
    )
    sink = "log"

    flagged = (
        """
        import logging
        from flask import request

        def login():
            user = request.form.get("user", "")
            logging.warning("login failed for " + user)  # error: PG707
        """,
    )
    clean = (
        """
        import logging
        from flask import request

        def login():
            logging.warning("login failed for %r", request.form.get("user", ""))
        """,
    )
