from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes
from prodgate.static.rules.security._helpers import (
    GENERIC_HASH_CONSTRUCTORS,
    is_constant,
    name_of,
    snake,
)

# General-purpose hashes that are sound but built to be fast (MD5 and SHA-1 are PG620's).
FAST_ALGORITHMS = frozenset({
    "sha224", "sha256", "sha384", "sha512", "sha512_224", "sha512_256", "sha3_224", "sha3_256", "sha3_384",
    "sha3_512", "blake2b", "blake2s", "shake_128", "shake_256",
})
FAST_CONSTRUCTORS: dict[str, str] = {
    **{f"hashlib.{name}": name for name in FAST_ALGORITHMS},
    **{f"{package}.Hash.{name}{new}": name.lower() for package in ("Crypto", "Cryptodome")
       for name in ("SHA224", "SHA256", "SHA384", "SHA512", "SHA3_256", "SHA3_512", "BLAKE2b", "BLAKE2s")
       for new in ("", ".new")},
}
# A name whose last word is a password: ``password``, ``raw_password``, ``userPasswd``; not
# ``password_hash`` or ``password_reset_token``, which are other values, nor ``pwd``, which is as
# often the working directory.
PASSWORD_NAME = re.compile(r"(?:^|_)(?:password|passwd|passphrase|pass_phrase)s?$")
# Password hashing functions: a fast digest in the same function is a pre-hash fed to one of them.
SLOW_KDF_PREFIXES = (
    "bcrypt.", "argon2.", "passlib.", "scrypt.", "nacl.pwhash.", "hashlib.pbkdf2_hmac", "hashlib.scrypt",
    "cryptography.hazmat.primitives.kdf.", "werkzeug.security.", "django.contrib.auth.hashers.",
)


class FastHashForPassword(Rule):
    """
    ## What it does
    Finds passwords hashed with a fast general-purpose digest: `hashlib.sha256(password)`,
    `sha512`, `sha3_*`, `blake2*` (directly, through `hashlib.new("sha256", ...)`, pycryptodome's
    `SHA256.new(...)`, or fed with `update()`), when the hashed data is a variable, parameter or
    form field named as a password (`password`, `raw_password`, `passwd`, `passphrase`).
    A function that also calls a password hashing function (bcrypt, argon2, scrypt, PBKDF2,
    passlib) is left alone: there the digest is a pre-hash.

    ## Why is this bad
    SHA-2, SHA-3 and BLAKE2 are designed to be fast: one GPU computes billions of SHA-256
    digests a second, so when the table of hashes leaks (a backup, an SQL injection, a log)
    most users' passwords are recovered in hours, salted or not, and reused on other sites. A
    password hash must cost a tunable amount of time and memory per guess.

    ## Example
    ```python
    def get_password_hash(password: str, salt: str) -> str:
        return hashlib.sha256((password + salt).encode()).hexdigest()
    ```

    ## Use instead
    ```python
    def get_password_hash(password: str) -> str:
        return argon2.PasswordHasher().hash(password)
    ```
    Or `hashlib.scrypt`, or `hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)`; with
    Django, `make_password`.

    ## Known limitations
    The password is recognised by its name only; a password held under a neutral name
    (`value`, `secret`) is not followed. MD5 and SHA-1 on passwords are reported by PG620.
    Test files are skipped.

    ## References
    - https://cwe.mitre.org/data/definitions/916.html
    - https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
    """

    meta = RuleMeta(
        code="PG625",
        name="fast-hash-for-password",
        category="security.crypto",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.FAST_PASSWORD_HASH,),
        message="`{call}` hashes `{password}` with a fast digest, so a leaked hash is cracked by trying billions of "
                "passwords a second",
        tags=("crypto",),
    )

    flagged = (
        """
        import hashlib

        def get_password_hash(password: str, salt: str) -> str:
            return hashlib.sha256((password + salt).encode()).hexdigest()  # error: PG625

        def check(user, raw_password: str) -> bool:
            digest = hashlib.new("sha512", raw_password.encode()).hexdigest()  # error: PG625
            return digest == user.password_digest
        """,
        """
        import hashlib
        from flask import request

        def register(db):
            h = hashlib.blake2b()
            h.update(db.pepper)
            h.update(request.form["password"].encode())  # error: PG625
            db.insert(email=request.form["email"], password_hash=h.hexdigest())
        """,
    )
    clean = (
        """
        import hashlib
        import secrets
        import bcrypt

        def hash_password(password: str) -> bytes:
            prehash = hashlib.sha256(password.encode()).hexdigest().encode()
            return bcrypt.hashpw(prehash, bcrypt.gensalt())

        def derive(password: bytes, salt: bytes) -> bytes:
            return hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)

        def store_reset_token(db, user_id: int) -> str:
            password_reset_token = secrets.token_urlsafe(32)
            db.save(user_id, hashlib.sha256(password_reset_token.encode()).hexdigest())
            return password_reset_token

        def fingerprint(document: bytes) -> str:
            return hashlib.sha256(document).hexdigest()

        def cache_dir(root: str, pwd: str) -> str:
            return f"{root}/{hashlib.sha256(pwd.encode()).hexdigest()[:12]}"
        """,
        Example(
            """
            import hashlib

            def test_login(client):
                password = "correct horse"
                assert client.login(hashlib.sha256(password.encode()).hexdigest())
            """,
            path="tests/test_auth.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        name = ctx.call_name(node)
        if name in FAST_CONSTRUCTORS or (name in GENERIC_HASH_CONSTRUCTORS and _fast_name(ctx.argument(node, 0, "name"))):
            data = node.args[1:] if name in GENERIC_HASH_CONSTRUCTORS else node.args
            data = [*data, *(k.value for k in node.keywords if k.arg in ("data", "string"))]
            call = name
        elif (isinstance(node.func, ast.Attribute) and node.func.attr == "update"
              and ctx.constructor_name(node.func.value) in FAST_CONSTRUCTORS):
            data = list(node.args)
            call = f"{ast.unparse(node.func.value)}.update"
        else:
            return
        if is_constant(ctx.argument(node, 99, "usedforsecurity"), False):
            return
        password = next((found for argument in data for n in ast.walk(argument)
                         if isinstance(n, (ast.Name, ast.Subscript)) and PASSWORD_NAME.search(snake(found := name_of(n)))),
                        "")
        if password and not _uses_password_kdf(ctx):
            ctx.report(node, call=call, password=password)


def _fast_name(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and str(expr.value).lower().replace("-", "_") in FAST_ALGORITHMS


def _uses_password_kdf(ctx: FileContext) -> bool:
    """The enclosing function also calls a password hashing function (the digest is a pre-hash)."""
    function = ctx.function()
    if function is None:
        return False
    return any(isinstance(n, ast.Call) and (ctx.call_name(n) or "").startswith(SLOW_KDF_PREFIXES)
               for n in function_nodes(ctx, function))
