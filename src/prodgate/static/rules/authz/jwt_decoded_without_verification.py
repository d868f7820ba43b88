from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

DECODERS = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode", "jwt.decode_complete"})
UNVERIFIED_READERS = frozenset({"jose.jwt.get_unverified_claims", "jwt.get_unverified_header"})
OFF_OPTIONS = ("verify_signature", "verify_exp", "verify_aud", "verify_iss")


def _constant(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


class JwtDecodedWithoutVerification(Rule):
    """
    ## What it does
    Finds JWTs decoded with signature or expiry verification turned off
    (`options={"verify_signature": False}`, `verify=False`, `verify_exp: False`), decoded
    without pinning the accepted algorithms, or accepting the `none` algorithm (PyJWT and
    python-jose).

    ## Why is this bad
    A token whose signature is not checked is a token anyone can write: change the user id or
    role in the payload and the service believes it. Without pinned algorithms an attacker can
    pick `none` or confuse an RSA public key for an HMAC secret; without expiry a stolen token
    works forever.

    ## Example
    ```python
    claims = jwt.decode(token, options={"verify_signature": False})
    ```

    ## Use instead
    ```python
    claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="payments")
    ```
    """

    meta = RuleMeta(
        code="PG750",
        name="jwt-decoded-without-verification",
        category="security.authz",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        cwe=(cwe.SIGNATURE_NOT_VERIFIED, cwe.IMPROPER_AUTHENTICATION),
        message="token decoded {problem}, so a forged or expired token is accepted as authentic",
        tags=("auth", "jwt"),
    )

    flagged = (
        """
        import jwt

        def current_user(token, key):
            claims = jwt.decode(token, options={"verify_signature": False})  # error: PG750
            legacy = jwt.decode(token, key, verify=False)  # error: PG750
            loose = jwt.decode(token, key)  # error: PG750
            anyone = jwt.decode(token, key, algorithms=["HS256", "none"])  # error: PG750
            return claims, legacy, loose, anyone
        """,
    )
    clean = (
        """
        import jwt

        def current_user(token, key, **kwargs):
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, key, algorithms=["RS256"], audience="payments")
            other = jwt.decode(token, key, **kwargs)
            return header, claims, other
        """,
        """
        import jwt

        from app.core import security
        from app.core.config import settings

        def get_current_user(token):
            return jwt.decode(token, settings.SECRET_KEY, algorithms=[security.ALGORITHM])
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name not in DECODERS or ctx.has_splat(node):
            return
        problem = self._problem(node, ctx)
        if problem:
            ctx.report(node, problem=problem)

    @staticmethod
    def _problem(node: ast.Call, ctx: FileContext) -> str | None:
        if _constant(getattr(ctx.keyword(node, "verify"), "value", None)) is False:
            return "with verify=False"
        options = ctx.keyword(node, "options")
        if options is not None and isinstance(options.value, ast.Dict):
            for key, value in zip(options.value.keys, options.value.values):
                if _constant(key) in OFF_OPTIONS and _constant(value) is False:
                    return f"with {_constant(key)} turned off"
        algorithms = ctx.keyword(node, "algorithms")
        if algorithms is None:
            return "without pinning the accepted algorithms"
        accepted = algorithms.value.elts if isinstance(algorithms.value, (ast.List, ast.Tuple, ast.Set)) else []
        if any(isinstance(_constant(e), str) and str(_constant(e)).lower() == "none" for e in accepted):
            return "accepting the `none` algorithm"
        return None
