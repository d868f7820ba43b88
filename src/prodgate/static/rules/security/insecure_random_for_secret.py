from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import (
    function_makes_secret,
    name_of,
    names_secret,
    snake,
)

RANDOM_FUNCTIONS = frozenset(
    f"random.{name}" for name in
    ("random", "randint", "choice", "choices", "randrange", "getrandbits", "sample", "shuffle", "uniform", "randbytes",
     "normalvariate", "gauss", "triangular", "betavariate", "expovariate", "gammavariate", "lognormvariate",
     "paretovariate", "vonmisesvariate", "weibullvariate", "binomialvariate")
)
RANDOM_METHODS = frozenset(name.split(".", 1)[1] for name in RANDOM_FUNCTIONS)
# ``code``/``pin``/``digits`` are secrets only in a function about proving who someone is.
CODE_NAME = re.compile(r"(?:^|_)(?:code|pin|digits|number)(?:_|s?$)")
AUTH_FUNCTION = re.compile(r"(?:verif|auth|login|otp|2fa|mfa|two_factor|confirm|reset|sms|phone|email|invite|sign_?up)")


class InsecureRandomForSecret(Rule):
    """
    ## What it does
    Finds the `random` module (`random.choice`, `randint`, `getrandbits`, `random.Random()`
    instances ...) producing a value that guards access: stored in the session or a cookie,
    assigned to, returned as or passed as something named like a secret (`token`, `password`, `api_key`, `nonce`, `salt`, `otp`,
    `csrf`, `session_id`, `reset_*`), used inside a function that makes one
    (`generate_reset_token`, `make_password`, `new_api_key`), or a `code`/`pin` inside a function
    about verification, login or password resets. `secrets` and `random.SystemRandom` are fine.

    ## Why is this bad
    `random` is a Mersenne Twister: after observing 624 outputs (a few hundred issued tokens,
    coupon codes or request ids) an attacker reconstructs its state and predicts every future
    and past value, including the next password-reset token or one-time code. Its seed is
    also shared by the whole process.

    ## Example
    ```python
    def generate_reset_token(length: int = 32) -> str:
        return "".join(random.choice(ALPHABET) for _ in range(length))
    ```

    ## Use instead
    ```python
    def generate_reset_token() -> str:
        return secrets.token_urlsafe(32)
    ```

    ## Known limitations
    A secret made by a helper with a neutral name (`random_string(32)`) is found only when its
    result is stored under a secret's name in the same function.

    ## References
    - https://docs.python.org/3/library/random.html (warning about security)
    - https://docs.python.org/3/library/secrets.html
    """

    meta = RuleMeta(
        code="PG622",
        name="insecure-random-for-secret",
        category="security.crypto",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.WEAK_PRNG_CRYPTO, cwe.WEAK_PRNG),
        message="`{call}` is predictable but makes {what}, so an attacker who sees a few values can guess "
                "the next ones",
        tags=("crypto",),
    )

    flagged = (
        """
        import random
        import string

        def generate_reset_token(length: int = 32) -> str:
            alphabet = string.ascii_letters + string.digits
            return "".join(random.choice(alphabet) for _ in range(length))  # error: PG622
        """,
        """
        import random

        def send_verification_sms(user, sms):
            code = random.randint(100000, 999999)  # error: PG622
            user.pending_code = code
            sms.send(user.phone, f"Your code is {code}")

        def create_merchant(repo, name):
            rng = random.Random()
            return repo.insert(name=name, api_key="%032x" % rng.getrandbits(128))  # error: PG622
        """,
        """
        import random
        from flask import session, make_response

        def remember_me(user):
            value = str(random.getrandbits(64))  # error: PG622
            session["remember"] = value
            other = str(random.random())[2:]  # error: PG622
            response = make_response("ok")
            response.set_cookie("remember", other)
            return response
        """,
    )
    clean = (
        """
        import random
        import secrets

        def generate_reset_token() -> str:
            return secrets.token_urlsafe(32)

        def retry_delay(attempt: int) -> float:
            return random.uniform(0, 2 ** attempt)

        def pick_shard(shards):
            return random.choice(shards)

        def make_password(length: int = 16) -> str:
            rng = random.SystemRandom()
            return "".join(rng.choice("abcdef0123456789") for _ in range(length))

        def sample_orders(orders):
            code = random.randint(0, 9)
            return code
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name not in RANDOM_FUNCTIONS:
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr in RANDOM_METHODS
                    and ctx.constructor_name(func.value) == "random.Random"):
                return
            name = ast.unparse(func)
        what = self._secret(ctx)
        if what:
            ctx.report(node, call=name, what=what)

    @staticmethod
    def _secret(ctx: FileContext) -> str:
        """What secret the value becomes, in words for the message (empty when nothing says so)."""
        function = ctx.function()
        function_name = function.name if function is not None else ""
        if function_makes_secret(function_name):
            return f"the value of `{function_name}`"
        about_auth = AUTH_FUNCTION.search(snake(function_name)) is not None
        for parent in ctx.ancestors():
            names: list[str] = []
            if isinstance(parent, ast.keyword) and parent.arg:
                names = [parent.arg]
            elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                names = [name_of(t) for t in targets]
            for found in names:
                if names_secret(found) or (about_auth and CODE_NAME.search(snake(found))):
                    return f"`{found}`"
                if function is not None and found in _session_stored(function, ctx):
                    return f"`{found}`, stored in the session or a cookie"
            if isinstance(parent, (ast.stmt, ast.Lambda)):
                return ""
        return ""


def _session_stored(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> set[str]:
    """Variables the function stores in a session mapping (``session[k] = v``) or a cookie
    (``response.set_cookie(k, v)``): values that then identify or authenticate a user."""
    cache: dict[int, set[str]] = ctx.state().setdefault("session-stored", {})
    if id(function) not in cache:
        stored: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and "session" in ast.unparse(target.value).lower():
                        stored.add(node.value.id)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "set_cookie"
                  and len(node.args) > 1 and isinstance(node.args[1], ast.Name)):
                stored.add(node.args[1].id)
        cache[id(function)] = stored
    return cache[id(function)]
