from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedRedirectTarget(TaintRule):
    """
    ## What it does
    Finds redirects whose target URL comes from untrusted input (`?next=...`).

    ## Why is this bad
    A link on the real domain that lands on a look-alike login page is the most convincing
    phishing there is, and OAuth flows leak tokens to open redirects.

    ## Example
    ```python
    return redirect(request.args["next"])
    ```

    ## Use instead
    ```python
    target = request.args.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):
        target = "/"
    return redirect(target)
    ```
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG711",
        name="tainted-redirect-target",
        category="security.open-redirect",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.OPEN_REDIRECT,),
        message="untrusted {source} chooses the target of `{sink}`, so the site can forward users to an attacker's page",
        tags=("taint",),
    )
    sink = "redirect"

    flagged = (
        """
        from flask import request, redirect

        def login_done():
            return redirect(request.args.get("next"))  # error: PG711
        """,
    )
    clean = (
        """
        from django.utils.http import url_has_allowed_host_and_scheme
        from flask import request, redirect, url_for

        def login_done():
            target = request.args.get("next", "")
            if not target.startswith("/"):
                target = url_for("home")
            return redirect(target)

        def set_language(hosts):
            target = request.form.get("next")
            if (target or request.accept_mimetypes.accept_html) and not url_has_allowed_host_and_scheme(
                    url=target, allowed_hosts=hosts):
                target = "/"
            return redirect(target)
        """,
    )
