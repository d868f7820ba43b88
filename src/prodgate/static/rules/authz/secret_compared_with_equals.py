from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.nodes import name_of

SECRET_NAME = re.compile(
    r"(?i)(^|_)(signature|sig|digest|hmac|mac|secret|api_?key|password_hash|csrf|otp|"
    r"(api|auth|access|refresh|session|csrf|bearer|webhook)_?token)$")


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("hexdigest", "digest"):
        return "digest"
    return name_of(node) or None


def _literal(node: ast.expr) -> bool:
    return isinstance(node, (ast.Constant, ast.JoinedStr)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("len", "type", "bool"))


class SecretComparedWithEquals(Rule):
    """
    ## What it does
    Finds signatures, HMAC digests, tokens and API keys compared with `==` or `!=` against
    another computed value.

    ## Why is this bad
    `==` on strings stops at the first differing character, so the response time leaks how
    much of a guess was right. Over many requests an attacker recovers a valid webhook
    signature or API token byte by byte.

    ## Example
    ```python
    if hmac.new(KEY, body, "sha256").hexdigest() == request.headers["X-Signature"]:
    ```

    ## Use instead
    ```python
    expected = hmac.new(KEY, body, "sha256").hexdigest()
    if hmac.compare_digest(expected, request.headers["X-Signature"]):
    ```
    """

    meta = RuleMeta(
        code="PG751",
        name="secret-compared-with-equals",
        category="security.authz",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.IMPROPER_AUTHENTICATION, 208),
        message="`{name}` is compared with `{op}`, whose timing leaks how much of a guessed secret is right",
        tags=("auth", "timing"),
    )

    flagged = (
        """
        import hmac

        def verify_webhook(body, signature, key):
            expected = hmac.new(key, body, "sha256").hexdigest()
            return expected == signature  # error: PG751

        def check_api_key(request, settings):
            if request.headers.get("X-Api-Key") != settings.api_key:  # error: PG751
                raise PermissionError("bad key")
        """,
    )
    clean = (
        """
        import hmac

        def verify_webhook(body, signature, key):
            expected = hmac.new(key, body, "sha256").hexdigest()
            return hmac.compare_digest(expected, signature)

        def parse(token):
            if token == "" or token is None or len(token) == 0:
                return None
            return token
        """,
    )

    def visit_Compare(self, node: ast.Compare, ctx: FileContext) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)) or ctx.is_test_file:
            return
        left, right = node.left, node.comparators[0]
        if _literal(left) or _literal(right):
            return
        name = next((n for n in (_name(left), _name(right)) if n and SECRET_NAME.search(n)), None)
        if name:
            ctx.report(node, name=name, op="==" if isinstance(node.ops[0], ast.Eq) else "!=")
