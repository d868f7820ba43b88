from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import (
    GENERIC_HASH_CONSTRUCTORS,
    function_protects,
    is_constant,
    name_of,
    names_secret,
)
from prodgate.static.taint.rule import analyse, reported_source

WEAK_ALGORITHMS = frozenset({"md5", "sha1", "sha-1", "md4", "md2", "sha", "ripemd160", "md5-sha1"})
# Broken for signatures and passwords, but approved by FIPS 140 for other hashing: a FIPS host runs them.
FIPS_APPROVED = frozenset({"sha1", "sha-1", "sha"})
# Words in the enclosing function's name that say what a digest is for when it guards nothing.
NON_SECURITY_PURPOSE = re.compile(r"cache|etag|checksum")
# Constructors of one broken algorithm; ``usedforsecurity=False`` exists only on hashlib's.
WEAK_CONSTRUCTORS: dict[str, str] = {
    "hashlib.md5": "md5", "hashlib.sha1": "sha1", "_hashlib.openssl_md5": "md5", "_hashlib.openssl_sha1": "sha1",
    **{f"{package}.Hash.{name}{new}": name.lower() for package in ("Crypto", "Cryptodome")
       for name in ("MD5", "SHA1", "SHA", "MD4", "MD2") for new in ("", ".new")},
    "cryptography.hazmat.primitives.hashes.MD5": "md5", "cryptography.hazmat.primitives.hashes.SHA1": "sha1",
}
# Factories taking the algorithm's name first (``hashlib.new("md5")``).
# HMAC constructors: (position, keyword) of the digest argument.
HMAC_CONSTRUCTORS: dict[str, tuple[int, str]] = {
    "hmac.new": (2, "digestmod"), "hmac.HMAC": (2, "digestmod"), "hmac.digest": (2, "digest"),
}


class WeakHashForSecurity(Rule):
    """
    ## What it does
    Finds MD5 and SHA-1 (`hashlib.md5`, `hashlib.sha1`, `hashlib.new("md5")` with the name
    given directly or through a constant, pycryptodome's `MD5`/`SHA1`, cryptography's
    `hashes.MD5()`/`hashes.SHA1()`, `hmac` with an MD5 or SHA-1 digest) unless the call declares
    `usedforsecurity=False`. The finding is of high severity when the purpose is visibly a security
    one: inside a function that hashes passwords, signs, verifies or makes tokens and keys
    (`hash_password`, `sign_payload`), on data named like a secret (`password`, `token`), or
    stored under such a name. Without such a purpose, MD5 (and MD4, MD2, RIPEMD-160) is reported
    with medium severity, since FIPS hosts refuse it; so is SHA-1, unless the enclosing function,
    class or module says the digest is a cache key, an ETag or a checksum (FIPS allows SHA-1 for hashing that is
    not a signature, and a collision there breaks nothing).

    ## Why is this bad
    MD5 and SHA-1 have practical collision attacks, and both are so fast that a GPU tries
    billions of candidate passwords per second: a leaked table of MD5 password hashes is
    cracked in hours, even salted. Signatures or integrity checks built on them can be forged
    with colliding inputs. Since Python 3.9 `usedforsecurity=False` is how code says a digest
    guards nothing (a cache key, an ETag); without it the call is taken for a security use, and
    on FIPS-enabled hosts (RHEL and Ubuntu FIPS images, many government and bank clouds)
    `hashlib.md5()` raises `ValueError` at run time.

    ## Example
    ```python
    def hash_password(password: str, salt: str) -> str:
        return hashlib.md5((salt + password).encode()).hexdigest()
    ```

    ## Use instead
    ```python
    def hash_password(password: str) -> str:
        return argon2.PasswordHasher().hash(password)
    ```
    Use a password hashing function (argon2, scrypt, bcrypt, `hashlib.pbkdf2_hmac`) for
    passwords, HMAC-SHA-256 for signatures, and SHA-256 or BLAKE2 for integrity. Mark
    non-security uses (cache keys, ETags) with `usedforsecurity=False`.

    ## Known limitations
    A digest of outside input (request data, handler parameters) is reported by PG624 instead,
    with the path the data took, so that one call gives one finding. pycryptodome, cryptography
    and `hmac` have no `usedforsecurity` switch: replace MD5 and SHA-1 there. A function named
    after the algorithm it computes (`_sqlite_md5`, `md5_hexdigest`) implements that algorithm
    for its callers, who chose it: without a visible security purpose it is not reported, and
    its callers are not followed. Test files are not checked: a test's digest guards nothing
    in production.

    ## References
    - https://docs.python.org/3/library/hashlib.html#hash-algorithms
    - https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
    """

    meta = RuleMeta(
        code="PG620",
        name="weak-hash-for-security",
        category="security.crypto",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.WEAK_HASH, cwe.BROKEN_CRYPTO),
        message="`{call}` is a broken hash {why}",
        tags=("crypto",),
    )

    flagged = (
        """
        import hashlib

        def hash_password(password: str, salt: str) -> str:
            return hashlib.md5((salt + password).encode("utf-8")).hexdigest()  # error: PG620
        """,
        """
        import hashlib
        import hmac
        from cryptography.hazmat.primitives import hashes

        ALGORITHM = "sha1"

        def webhook_digest(body: bytes, secret: bytes) -> str:
            return hashlib.new(ALGORITHM, secret + body).hexdigest()  # error: PG620

        def sign(body: bytes, key: bytes) -> str:
            return hmac.new(key, body, hashlib.md5).hexdigest()  # error: PG620

        class Signer:
            def signature_of(self, payload):
                self.signature = hashlib.sha1(payload).hexdigest()  # error: PG620
                algorithm = hashes.SHA1()  # error: PG620
                return algorithm
        """,
        """
        import hashlib

        def cache_key(url: str) -> str:
            return hashlib.md5(url.encode()).hexdigest()  # error: PG620

        def md5_password(password: str) -> str:
            return hashlib.md5(password.encode()).hexdigest()  # error: PG620

        def store(data: bytes, path: str) -> None:
            digest = hashlib.sha1()  # error: PG620
            digest.update(data)
            with open(path, "a") as out:
                out.write(digest.hexdigest())
        """,
    )
    clean = (
        """
        import hashlib
        from hashlib import md5

        def template_cache_key(names: list[str]) -> str:
            return hashlib.sha1("|".join(names).encode()).hexdigest()

        def _sqlite_md5(text):
            if text is None:
                return None
            return md5(text.encode()).hexdigest()
        """,
        Example(
            """
            import hashlib

            def test_upload_checksum(client, tmp_path):
                payload = b"a" * 1024
                response = client.post("/upload", data=payload)
                assert response.json()["md5"] == hashlib.md5(payload).hexdigest()
            """,
            path="tests/file_uploads/tests.py",
        ),
        """
        import hashlib
        import hmac

        def cache_key(url: str) -> str:
            return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()

        def etag(body: bytes) -> str:
            return hashlib.new("sha1", body, usedforsecurity=False).hexdigest()

        def sign(body: bytes, key: bytes) -> str:
            return hmac.new(key, body, "sha256").hexdigest()

        def hash_password(password: str, salt: bytes) -> bytes:
            return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name is None or ctx.is_test_file:
            return
        algorithm = weak_algorithm(node, name, ctx)
        if not algorithm:
            return
        if is_constant(ctx.argument(node, 99, "usedforsecurity"), False) or ctx.has_splat(node):
            return
        if digests_outside_input(node, ctx):
            return  # PG624 reports it, with the data's path
        why = self._security_purpose(node, ctx)
        if why:
            ctx.report(node, call=name, why=f"used {why}, so it can be brute-forced or forged")
        elif not _implements(algorithm, ctx) and not (algorithm in FIPS_APPROVED and _names_non_security_purpose(ctx)):
            refused = "SHA-1 collides" if algorithm in FIPS_APPROVED else "FIPS hosts refuse it"
            ctx.report(node, severity=Severity.MEDIUM, confidence=Confidence.MEDIUM, call=name,
                       why=f"not marked `usedforsecurity=False`: taken for a security use, where {refused}")

    @staticmethod
    def _security_purpose(node: ast.Call, ctx: FileContext) -> str:
        """Why the hash guards something, in words for the message (empty when nothing says so)."""
        function = ctx.function()
        if function is not None and function_protects(function.name):
            return f"in `{function.name}`"
        data = [n for argument in [*node.args, *(k.value for k in node.keywords)] for n in ast.walk(argument)]
        secrets = [name_of(n) for n in data if isinstance(n, (ast.Name, ast.Attribute)) and names_secret(name_of(n))]
        secret = min(secrets, key=lambda found: "pass" not in found.lower(), default="")
        if secret:
            return f"on `{secret}`"
        for parent in ctx.ancestors():
            if isinstance(parent, (ast.Assign, ast.AnnAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                stored = next((name_of(t) for t in targets if names_secret(name_of(t))), "")
                return f"for `{stored}`" if stored else ""
            if isinstance(parent, ast.stmt):
                return ""
        return ""


def _names_non_security_purpose(ctx: FileContext) -> bool:
    """The enclosing function, class or module says the digest is a cache key, an ETag or a checksum."""
    scopes = [ctx.function(), ctx.enclosing(ast.ClassDef)]
    names = [scope.name for scope in scopes if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    names.append(ctx.path.rsplit("/", 1)[-1])
    return any(NON_SECURITY_PURPOSE.search(name.lower()) for name in names)


def _implements(algorithm: str, ctx: FileContext) -> bool:
    """The enclosing function is named after ``algorithm``: it computes it for callers who chose it."""
    function = ctx.function()
    return function is not None and algorithm.replace("-", "") in function.name.lower()


def weak_algorithm(node: ast.Call, name: str, ctx: FileContext) -> str:
    """The broken algorithm ``node`` hashes with (``md5``), or empty."""
    if name in WEAK_CONSTRUCTORS:
        return WEAK_CONSTRUCTORS[name]
    if name in GENERIC_HASH_CONSTRUCTORS:
        return _weak_name(ctx.argument(node, 0, "name"), ctx)
    if name in HMAC_CONSTRUCTORS:
        position, keyword = HMAC_CONSTRUCTORS[name]
        digest = ctx.argument(node, position, keyword)
        if isinstance(digest, (ast.Name, ast.Attribute)):
            named = ctx.qualname(digest) or ""
            if named in WEAK_CONSTRUCTORS:
                return WEAK_CONSTRUCTORS[named]
        return _weak_name(digest, ctx)
    return ""


def _weak_name(expr: ast.expr | None, ctx: FileContext) -> str:
    """A broken algorithm's name given by ``expr``: a literal, or a name or ``self``/class
    attribute bound to one."""
    for _ in range(4):
        if isinstance(expr, ast.Constant):
            text = str(expr.value).lower()
            return text if text in WEAK_ALGORITHMS else ""
        if isinstance(expr, ast.Name):
            expr = ctx.value_of(expr)
        elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in ("self", "cls"):
            values = ctx.self_attributes().get(expr.attr) or _class_constant(expr.attr, ctx)
            expr = values[0] if len(values) == 1 else None
        else:
            return ""
    return ""


def _class_constant(name: str, ctx: FileContext) -> list[ast.expr]:
    cls = ctx.enclosing(ast.ClassDef)
    if not isinstance(cls, ast.ClassDef):
        return []
    return [statement.value for statement in cls.body if isinstance(statement, ast.Assign)
            for target in statement.targets if isinstance(target, ast.Name) and target.id == name]


def digests_outside_input(node: ast.Call, ctx: FileContext) -> bool:
    """The taint analysis reports this hash, directly or through ``h.update(data)`` on the name
    the hash object is bound to, as digesting outside input (PG624's finding)."""
    function = ctx.function()
    result = analyse(function if function is not None else ctx.tree, ctx)
    bound = next((t.id for parent in ctx.ancestors() if isinstance(parent, ast.Assign) and parent.value is node
                  for t in parent.targets if isinstance(t, ast.Name)), None)
    for hit in result.hits:
        if hit.kind != "weak-hash" or not reported_source(hit.value):
            continue
        if hit.node is node:
            return True
        call = hit.node
        if (bound and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == bound):
            return True
    return False
