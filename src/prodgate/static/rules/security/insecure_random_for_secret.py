from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import FunctionNode, function_nodes
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
# A docstring that promises what `random` cannot give.
UNPREDICTABLE = re.compile(
    r"\bun(?:predictable|guessable)\b|\bhard to (?:guess|predict)\b|\bcryptographically\b|\bsecure(?:ly)? random",
    re.IGNORECASE,
)
# ... unless the docstring denies it ("not cryptographically secure", "isn't unpredictable").
DENIED = re.compile(r"(?:\bnot?|\bnever|n't)\b[\w\s,]{0,24}$", re.IGNORECASE)


class InsecureRandomForSecret(Rule):
    """
    ## What it does
    Finds the `random` module (`random.choice`, `randint`, `getrandbits`, `random.Random()`
    instances ...) producing a value that guards access: stored in the session or a cookie,
    assigned to, returned as or passed as something named like a secret (`token`, `password`, `api_key`, `nonce`, `salt`, `otp`,
    `csrf`, `session_id`, `reset_*`), used inside a function that makes one
    (`generate_reset_token`, `make_password`, `new_api_key`) or whose docstring promises an
    unpredictable (unguessable, cryptographically secure) value, or a `code`/`pin` inside a
    function about verification, login or password resets. A helper of the module (or a method
    of the class) that returns a `random` value (`random_string(32)`) is followed: its call is
    reported where the result becomes such a secret. `secrets` and `random.SystemRandom` are
    fine, and test files are skipped (random test data guards nothing).

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
    Helpers are followed one call deep, within the module; a value that reaches a secret's name
    through another variable (`suffix = random.randint(...)`, then `token = f"t{suffix}"`) is
    not followed.

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
        import string

        def random_string(length):
            return "".join(random.choice(string.ascii_letters) for _ in range(length))

        def create_user(repo, name):
            token = random_string(32)  # error: PG622
            return repo.insert(name=name, token=token)

        def random_digits(n):
            \"\"\"Return n digits, unpredictable, for the login link.\"\"\"
            return "".join(str(random.randint(0, 9)) for _ in range(n))  # error: PG622

        class Invites:
            def _suffix(self):
                value = random.getrandbits(32)
                return f"{value:08x}"

            def issue(self, email):
                return self.store.add(email=email, invite_token=self._suffix())  # error: PG622

        def generate_api_key():
            return "".join(random.choice("abcdef") for _ in range(32))  # error: PG622

        def create_client(repo):
            return repo.insert(api_key=generate_api_key())
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

        def random_string(length):
            return "".join(random.choice("abcdef") for _ in range(length))

        def make_fixture_name():
            label = random_string(8)
            return f"order-{label}"

        def request_id() -> str:
            \"\"\"A random id for tracing; not cryptographically secure, never use it as a token.\"\"\"
            return "%016x" % random.getrandbits(64)
        """,
        Example(
            """
            import random
            import string

            def test_login_rejects_wrong_password(client):
                password = "".join(random.choice(string.ascii_letters) for _ in range(12))
                assert client.post("/login", data={"password": password}).status_code == 401
            """,
            path="tests/test_login.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        name = _random_call(node, ctx)
        if name:
            what = self._secret(ctx)
            if what:
                ctx.report(node, call=name, what=what)
            return
        helper = _random_helper(node, ctx)
        if helper is None or _makes_secret(helper[0]):
            return  # a helper that makes a secret by name or docstring is reported inside
        what = self._secret(ctx)
        if what:
            ctx.report(node, call=helper[1], what=f"{what} through `{helper[0].name}()`")

    @staticmethod
    def _secret(ctx: FileContext) -> str:
        """What secret the value becomes, in words for the message (empty when nothing says so)."""
        function = ctx.function()
        function_name = function.name if function is not None else ""
        if function_makes_secret(function_name):
            return f"the value of `{function_name}`"
        if function is not None and _promises_unpredictable(function):
            return f"the value of `{function_name}`, whose docstring promises it is unpredictable"
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


def _random_call(node: ast.Call, ctx: FileContext) -> str:
    """The `random` function or `random.Random()` method ``node`` calls, or empty."""
    name = ctx.call_name(node)
    if name in RANDOM_FUNCTIONS:
        return name
    func = node.func
    if (isinstance(func, ast.Attribute) and func.attr in RANDOM_METHODS
            and ctx.constructor_name(func.value) == "random.Random"):
        return ast.unparse(func)
    return ""


def _promises_unpredictable(function: FunctionNode) -> bool:
    text = ast.get_docstring(function) or ""
    return any(not DENIED.search(text[max(0, m.start() - 40):m.start()]) for m in UNPREDICTABLE.finditer(text))


def _makes_secret(function: FunctionNode) -> bool:
    return function_makes_secret(function.name) or _promises_unpredictable(function)


def _random_helper(node: ast.Call, ctx: FileContext) -> tuple[FunctionNode, str] | None:
    """The function of this module (or method of the enclosing class, called on ``self``/``cls``)
    that ``node`` calls, when it returns a `random` value, with the `random` call it uses."""
    func = node.func
    helper: ast.AST | None = None
    if isinstance(func, ast.Name):
        binding = ctx.binding(func.id)
        helper = binding.node if binding is not None and binding.kind == "def" else None
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        cls = ctx.enclosing(ast.ClassDef)
        methods = cls.body if isinstance(cls, ast.ClassDef) else []
        helper = next((m for m in methods if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == func.attr),
                      None)
    if not isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    cache: dict[int, str] = ctx.state().setdefault("random-helpers", {})
    if id(helper) not in cache:
        cache[id(helper)] = _returned_random(helper, ctx)
    return (helper, cache[id(helper)]) if cache[id(helper)] else None


def _returned_random(function: FunctionNode, ctx: FileContext) -> str:
    """The `random` call whose value ``function`` returns, directly or through one local variable."""
    nodes = function_nodes(ctx, function)
    returned = [n.value for n in nodes if isinstance(n, ast.Return) and n.value is not None]
    names = {n.id for value in returned for n in ast.walk(value) if isinstance(n, ast.Name)}
    values = returned + [n.value for n in nodes if isinstance(n, ast.Assign)
                         and any(isinstance(t, ast.Name) and t.id in names for t in n.targets)]
    for value in values:
        for inner in ast.walk(value):
            if isinstance(inner, ast.Call) and (found := _random_call(inner, ctx)):
                return found
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
