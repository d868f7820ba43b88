from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class WeakHashOfUntrustedData(TaintRule):
    """
    ## What it does
    Finds MD5 and SHA-1 digests of data that came from outside (request data, handler and task
    parameters), whether passed to the constructor or fed through `update()`, following the
    data through variables and helper functions.

    ## Why is this bad
    Digests of user-supplied values are stored or compared to recognise them later: passwords,
    tokens, uploaded files, signatures. MD5 and SHA-1 are fast and have practical collisions,
    so stored digests are reversed by brute force and an attacker can craft a different input
    with the same digest.

    ## Example
    ```python
    digest = hashlib.md5(request.form["password"].encode()).hexdigest()
    ```

    ## Use instead
    ```python
    digest = hashlib.sha256(request.form["document"].encode()).hexdigest()
    ```
    For passwords use a password hash (argon2, scrypt, `hashlib.pbkdf2_hmac`); pass
    `usedforsecurity=False` when the digest guards nothing.
    """

    meta = RuleMeta(
        code="PG624",
        name="weak-hash-of-untrusted-data",
        category="security.crypto",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.WEAK_HASH, cwe.BROKEN_CRYPTO),
        message="untrusted {source} is digested with `{sink}`, a broken hash that can be reversed or collided",
        tags=("taint", "crypto"),
    )
    sink = "weak-hash"

    flagged = (
        """
        import hashlib
        from flask import request

        def store_secret(path):
            value = request.form.get("secret", "")
            digest = hashlib.new("sha1")
            digest.update(value.encode())  # error: PG624
            with open(path, "a") as handle:
                handle.write(hashlib.md5(value.encode()).hexdigest())  # error: PG624
        """,
    )
    clean = (
        """
        import hashlib
        from flask import request

        def store_secret(path):
            value = request.form.get("secret", "")
            digest = hashlib.sha256(value.encode()).hexdigest()
            checksum = hashlib.md5(b"static banner").hexdigest()
            cache_key = hashlib.md5(value.encode(), usedforsecurity=False).hexdigest()
            with open(path, "a") as handle:
                handle.write(digest + checksum + cache_key)
        """,
    )
