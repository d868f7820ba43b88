from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext

FLAGS = ("secure", "httponly", "samesite")
SESSION_WORDS = ("session", "auth", "token", "remember", "login", "sid", "jwt", "csrf")


class CookieWithoutSecurityFlags(Rule):
    """
    ## What it does
    Finds cookies set with `secure=False` or `httponly=False` (Flask, Werkzeug, Django,
    Starlette `set_cookie`), `samesite=None` without `secure=True`, and cookies whose name says
    they carry a session or credential (`session`, `auth`, `token`, `remember`...) set without
    `secure` at all.

    ## Why is this bad
    A cookie without `Secure` travels over plain HTTP, where anyone on the network path reads
    it; without `HttpOnly` any injected script reads it; without `SameSite` it rides along on
    cross-site requests. For a session cookie each one is an account takeover waiting to happen.

    ## Example
    ```python
    resp.set_cookie("session_id", sid, secure=False)
    ```

    ## Use instead
    ```python
    resp.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")
    ```

    ## Known limitations
    Flags passed as variables are trusted (framework settings usually decide them); a cookie
    whose name gives no hint of its purpose is reported only when a flag is explicitly off.
    Test files are not checked: a view a test defines for its test client sets no cookie in
    anyone's browser.
    """

    meta = RuleMeta(
        code="PG715",
        name="cookie-without-security-flags",
        category="security.cookie",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.SENSITIVE_COOKIE_WITHOUT_SECURE, cwe.SENSITIVE_COOKIE_WITHOUT_HTTPONLY),
        message="cookie set with {problem}, so it can leak over plain HTTP or to scripts and be used to take over sessions",
        tags=("web",),
    )

    flagged = (
        """
        from flask import make_response

        def login(sid):
            response = make_response("ok")
            response.set_cookie("session_id", sid, secure=False, httponly=True)  # error: PG715
            response.set_cookie("remember_token", sid)  # error: PG715
            response.set_cookie("theme", "dark", httponly=False, secure=True)  # error: PG715
            return response
        """,
    )
    clean = (
        Example(
            """
            from django.http import HttpResponse

            def test_samesite_none_is_sent(client):
                response = HttpResponse()
                response.set_cookie("sessionid", "abc", samesite="None")
                assert "SameSite=None" in str(response.cookies["sessionid"])
            """,
            path="tests/responses/test_cookie.py",
        ),
        """
        from flask import make_response

        def login(sid, settings):
            response = make_response("ok")
            response.set_cookie("session_id", sid, secure=True, httponly=True, samesite="Lax")
            response.set_cookie("theme", "dark")
            response.set_cookie("sessionid", sid, secure=settings.SESSION_COOKIE_SECURE)
            return response
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "set_cookie") or ctx.has_splat(node) or ctx.is_test_file:
            return
        values = {flag: ctx.keyword(node, flag) for flag in FLAGS}
        constants = {flag: kw.value.value for flag, kw in values.items()
                     if kw is not None and isinstance(kw.value, ast.Constant)}
        off: list[str] = [flag for flag in ("secure", "httponly") if flag in constants and constants[flag] is False]
        if "samesite" in constants and constants["samesite"] in (None, "None") and constants.get("secure") is not True:
            off.append("samesite=None without secure")
        name = ctx.argument(node, 0, "key")
        sensitive = isinstance(name, ast.Constant) and isinstance(name.value, str) and any(
            word in name.value.lower() for word in SESSION_WORDS)
        if not off and sensitive and values["secure"] is None:
            off.append("no secure flag")
        if off:
            ctx.report(node, problem=", ".join(f"{flag}=False" if flag in FLAGS else flag for flag in off))
