from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.secrets._detect import literal_secret

# ORM and query-builder methods whose keyword arguments are conditions on stored values.
LOOKUPS = frozenset({"filter", "exclude", "get", "filter_by", "get_or_none", "first", "exists", "where"})


class HardcodedSecret(Rule):
    """
    ## What it does
    Finds credentials written into source code: provider key formats (AWS, Stripe, GitHub,
    Slack, OpenAI, private keys, JWTs and the other detect-secrets patterns) anywhere in a
    string, and high-entropy literals bound to credential-like names (`password`, `api_key`,
    `client_secret`, `token`...) by assignment, keyword argument, default value or dict key.
    Also a literal passed as a password argument (`connect(user="root", passwd="")`), and a
    literal a credential is compared with (`if password == "admin":`): a fixed login is a
    hardcoded credential however weak it is. Placeholders (`changeme`, `your-api-key`,
    `<token>`, `${DB_PASSWORD}`) and test files are not reported.
    The value itself never appears in any report.

    ## Why is this bad
    Source code is copied to laptops, CI logs, forks and package indexes; a key in it is a
    key published. Rotating it after the fact is an incident, and assistants paste the real
    key from the prompt straight into the code.

    ## Example
    ```python
    stripe.api_key = "sk_live_..."
    ```

    ## Use instead
    ```python
    stripe.api_key = os.environ["STRIPE_API_KEY"]
    ```
    Read secrets from the environment or a secret manager at start-up.

    ## Known limitations
    A key split over a concatenation of literals is not reassembled. A value holding a whole
    alphabet in order (`abcdefghijklmnopqrstuvwxyz`) is taken for a character set or a dummy, and
    one made only of camelCase or PascalCase words without digits (`refreshToken`) or of a dotted
    import path for a name: a passphrase written that way (`GoodNewsEveryone`) is missed.

    ## References
    - https://github.com/Yelp/detect-secrets
    """

    meta = RuleMeta(
        code="PG730",
        name="hardcoded-secret",
        category="security.secrets",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.HARDCODED_CREDENTIALS,),
        message="{kind} is written into the source, so everyone with the code (or a leaked copy) holds the credential",
        tags=("secrets",),
    )

    flagged = (
        """
        import stripe

        stripe.api_key = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXYZ"  # todo-error: PG730
        AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7QZ3HJ2K"  # error: PG730
        DATABASE_PASSWORD = "Xk9#mQ2$vL7pR4wZ"  # error: PG730

        def client(token="ghp_16C7e42F292c6912E7710c838347Ae178B4a"):  # error: PG730
            return {"client_secret": "a8Fj2kQ9zLp4Wm7R"}  # error: PG730
        """,
        """
        import MySQLdb
        from django.shortcuts import redirect

        def connect():
            return MySQLdb.connect(host="db", user="root", passwd="")  # error: PG730

        def admin_login(request):
            password = request.POST["password"]
            if password == "myPa55word":  # error: PG730
                return redirect("dashboard")
            return redirect("login")
        """,
    )
    clean = (
        """
        import os

        DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
        API_KEY = "your-api-key-here"
        SECRET_KEY = "changeme"
        TOKEN_URL = "https://auth.example.com/oauth/token"
        PASSWORD_FIELD = "password"
        password_hash_format = "%(algorithm)s$%(salt)s$%(hash)s"
        SECRET_KEY_CHARSET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*(-_=+)"
        JWT_REFRESH_TOKEN_COOKIE_NAME = "refreshToken"
        TOKEN_GENERATOR_CLASS = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
        DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://saleor:saleor@localhost:5432/saleor")

        def fill_empty_passwords(User, make_password):
            User.objects.filter(password="").update(password=make_password(None))
        """,
        """
        import MySQLdb

        def connect(password):
            return MySQLdb.connect(host="db", user="app", passwd=password)

        def describe(token, token_type, password, access_token):
            if token_type == "bearer" or token == "make" or password == "" or access_token == "NOTPROVIDED":
                return MySQLdb.connect(host="db", user="app", passwd="<database password>")
            return None
        """,
    )

    def visit_Constant(self, node: ast.Constant, ctx: FileContext) -> None:
        if not isinstance(node.value, str) or ctx.is_test_file:
            return
        parent = ctx.parent()
        if isinstance(parent, ast.keyword) and _is_lookup(ctx.parents[-2] if len(ctx.parents) > 1 else None):
            return
        kind = literal_secret(node, parent)
        if kind is not None:
            ctx.report(node, kind=kind)


def _is_lookup(call: ast.AST | None) -> bool:
    """``User.objects.filter(password="")``: the keyword selects rows by a stored value, it sets none."""
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in LOOKUPS
