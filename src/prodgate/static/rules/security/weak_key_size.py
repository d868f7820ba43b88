from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

MINIMUM_BITS = 2048
# Key generators and the (position, keyword) of their key size argument.
GENERATORS = {
    "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key": (1, "key_size"),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key": (0, "key_size"),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters": (0, "key_size"),
    "cryptography.hazmat.primitives.asymmetric.dh.generate_parameters": (1, "key_size"),
    **{f"{package}.PublicKey.{kind}.generate": (0, "bits")
       for package in ("Crypto", "Cryptodome") for kind in ("RSA", "DSA", "ElGamal")},
    "rsa.newkeys": (0, "nbits"),
}


class WeakKeySize(Rule):
    """
    ## What it does
    Finds RSA, DSA and Diffie-Hellman keys generated with fewer than 2048 bits by `cryptography`
    (`rsa.generate_private_key(key_size=1024)`), pycryptodome (`RSA.generate(1024)`) or the
    `rsa` package (`rsa.newkeys(512)`).

    ## Why is this bad
    512-bit RSA keys are factored in hours on rented machines and 1024-bit keys are within reach
    of well-funded attackers; signatures made with them (webhook signing, JWTs, license keys)
    can be forged and data encrypted to them decrypted for as long as the key is in use.

    ## Example
    ```python
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ```

    ## Use instead
    ```python
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ```
    Or use Ed25519 (`ed25519.Ed25519PrivateKey.generate()`), which has no size to get wrong.

    ## Known limitations
    Only literal sizes (or names assigned a literal in the same scope) are evaluated.

    ## References
    - https://cryptography.io/en/latest/hazmat/primitives/asymmetric/rsa/#generation
    - https://www.keylength.com/en/4/
    """

    meta = RuleMeta(
        code="PG623",
        name="weak-key-size",
        category="security.crypto",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.INADEQUATE_ENCRYPTION_STRENGTH,),
        message="`{call}` makes a {bits}-bit key, small enough to be factored, so its signatures can be forged",
        tags=("crypto",),
    )

    flagged = (
        """
        from cryptography.hazmat.primitives.asymmetric import rsa

        def new_webhook_signing_key():
            return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # error: PG623
        """,
        """
        from Crypto.PublicKey import RSA

        KEY_BITS = 1024

        def license_keypair():
            key = RSA.generate(KEY_BITS)  # error: PG623
            return key.export_key(), key.publickey().export_key()
        """,
    )
    clean = (
        """
        from Crypto.PublicKey import RSA
        from cryptography.hazmat.primitives.asymmetric import rsa

        def new_webhook_signing_key(bits):
            rsa.generate_private_key(public_exponent=65537, key_size=3072)
            return RSA.generate(bits)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name not in GENERATORS:
            return
        size = ctx.argument(node, *GENERATORS[name])
        if isinstance(size, ast.Name):
            size = ctx.value_of(size)
        if isinstance(size, ast.Constant) and type(size.value) is int and size.value < MINIMUM_BITS:
            ctx.report(node, call=".".join(name.split(".")[-2:]), bits=size.value)
