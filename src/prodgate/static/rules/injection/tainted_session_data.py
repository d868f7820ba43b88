from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedSessionData(TaintRule):
    """
    ## What it does
    Finds untrusted input stored in the session (Flask `session`, Django `request.session`, any
    mapping named `*session`).

    ## Why is this bad
    Code that reads the session treats its contents as already checked (the user id, a role, a
    cart total). Storing unvalidated input there lets an attacker smuggle values across the
    trust boundary.

    ## Example
    ```python
    session["user_id"] = request.form["user_id"]
    ```

    ## Use instead
    ```python
    user = authenticate(request.form["user"], request.form["password"])
    session["user_id"] = user.id
    ```
    Store values the server derived or validated, not raw input.
    ```python
    ```

    ## Known limitations
    HTML escaping does not make data trustworthy, so escaped input is still reported.
    """

    meta = RuleMeta(
        code="PG713",
        name="tainted-session-data",
        category="security.trust-boundary",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.TRUST_BOUNDARY,),
        message="untrusted {source} is stored in the {sink} without validation, so later code trusts attacker-chosen data",
        tags=("taint",),
    )
    sink = "trust-boundary"

    flagged = (
        """
        from flask import request, session

        def remember():
            session["user_id"] = request.form.get("user_id")  # error: PG713
        """,
    )
    clean = (
        """
        from flask import request, session

        def remember():
            session["page_size"] = int(request.form.get("page_size", "20"))
        """,
    )
