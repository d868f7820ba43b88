from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import (
    function_protects,
    is_constant,
    name_of,
    names_secret,
)

WEAK_ALGORITHMS = frozenset({"md5", "sha1", "md4", "md2", "sha", "ripemd160"})
WEAK_CONSTRUCTORS = frozenset({
    "hashlib.md5", "hashlib.sha1",
    *(f"{package}.Hash.{name}.new" for package in ("Crypto", "Cryptodome") for name in ("MD5", "SHA1", "SHA", "MD4", "MD2")),
    *(f"{package}.Hash.{name}" for package in ("Crypto", "Cryptodome") for name in ("MD5", "SHA1", "SHA", "MD4", "MD2")),
    "cryptography.hazmat.primitives.hashes.MD5", "cryptography.hazmat.primitives.hashes.SHA1",
})
GENERIC_CONSTRUCTORS = frozenset({"hashlib.new"})


class WeakHashForSecurity(Rule):
    """
    ## What it does
    Finds MD5 and SHA-1 (`hashlib.md5`, `hashlib.sha1`, `hashlib.new("md5")`, pycryptodome's
    `MD5`/`SHA1`, cryptography's `hashes.MD5()`/`hashes.SHA1()`) applied for a security purpose:
    inside a function that hashes passwords, signs, verifies or makes tokens and keys
    (`hash_password`, `sign_payload`, `make_reset_token`), on data named like a secret
    (`password`, `token`, `secret`, `api_key`), or stored under such a name. Calls passing
    `usedforsecurity=False` are never reported.

    ## Why is this bad
    MD5 and SHA-1 have practical collision attacks, and both are so fast that a GPU tries
    billions of candidate passwords per second: a leaked table of MD5 password hashes is
    cracked in hours, even salted. Signatures or integrity checks built on them can be forged
    with colliding inputs.

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
    MD5 or SHA-1 used for security under neutral names (`digest(data)`) is not reported, to keep
    checksums, cache keys and ETags out of the report.

    ## References
    - https://docs.python.org/3/library/hashlib.html#hash-algorithms
    - https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
    """

    meta = RuleMeta(
        code="PG620",
        name="weak-hash-for-security",
        category="security.crypto",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.WEAK_HASH, cwe.BROKEN_CRYPTO),
        message="`{call}` is a broken hash used {why}, so it can be brute-forced or forged",
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
        from cryptography.hazmat.primitives import hashes

        def webhook_digest(body: bytes, secret: bytes) -> str:
            return hashlib.new("sha1", secret + body).hexdigest()  # error: PG620

        class Signer:
            def fingerprint(self, payload):
                self.signature = hashlib.sha1(payload).hexdigest()  # error: PG620
                algorithm = hashes.SHA1()
                return algorithm
        """,
    )
    clean = (
        """
        import hashlib

        def cache_key(url: str) -> str:
            return hashlib.md5(url.encode()).hexdigest()

        def etag(body: bytes) -> str:
            return hashlib.sha1(body).hexdigest()

        def make_token_key(password: str) -> str:
            return hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()

        def hash_password(password: str, salt: bytes) -> bytes:
            return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name in GENERIC_CONSTRUCTORS:
            algorithm = ctx.argument(node, 0, "name")
            if not (isinstance(algorithm, ast.Constant) and str(algorithm.value).lower() in WEAK_ALGORITHMS):
                return
        elif name not in WEAK_CONSTRUCTORS:
            return
        if is_constant(ctx.argument(node, 99, "usedforsecurity"), False) or ctx.has_splat(node):
            return
        why = self._security_purpose(node, ctx)
        if why:
            ctx.report(node, call=name, why=why)

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
