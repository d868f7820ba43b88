from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import star_imported_names

CRYPTODOME = ("Crypto", "Cryptodome")
BROKEN_CIPHERS = {"DES": "DES", "DES3": "3DES", "ARC4": "RC4", "ARC2": "RC2", "Blowfish": "Blowfish", "CAST": "CAST"}
CIPHER_CONSTRUCTORS = {
    **{f"{package}.Cipher.{name}.new": label for package in CRYPTODOME for name, label in BROKEN_CIPHERS.items()},
    **{f"cryptography.hazmat.{where}.algorithms.{name}": label
       for where in ("primitives.ciphers", "decrepit.ciphers")
       for name, label in (("TripleDES", "3DES"), ("ARC4", "RC4"), ("Blowfish", "Blowfish"), ("CAST5", "CAST5"),
                           ("IDEA", "IDEA"), ("SEED", "SEED"), ("RC2", "RC2"))},
}
ECB_MODES = frozenset({
    "cryptography.hazmat.primitives.ciphers.modes.ECB",
    *(f"{package}.Cipher.{name}.MODE_ECB" for package in CRYPTODOME for name in ("AES", "DES", "DES3", "Blowfish", "CAST", "ARC2")),
})


class WeakCipher(Rule):
    """
    ## What it does
    Finds encryption with broken ciphers (DES, 3DES, RC4, RC2, Blowfish, CAST, IDEA, SEED) from
    pycryptodome (`Crypto`/`Cryptodome`) or `cryptography`, and any block cipher in ECB mode
    (`modes.ECB()`, `AES.new(key, AES.MODE_ECB)`), also when the cipher's module comes from a
    star import (`from Crypto.Cipher import *`).

    ## Why is this bad
    DES keys are brute-forced in a day; 3DES and Blowfish have 64-bit blocks that leak
    plaintext after a few gigabytes (Sweet32); RC4's keystream is biased. ECB encrypts equal
    blocks to equal ciphertext, so card numbers, account ids and images keep their patterns
    and blocks can be cut and pasted between messages without the key.

    ## Example
    ```python
    cipher = AES.new(settings.CARD_KEY, AES.MODE_ECB)
    token = cipher.encrypt(pad(pan.encode(), 16))
    ```

    ## Use instead
    ```python
    token = AESGCM(settings.CARD_KEY).encrypt(os.urandom(12), pan.encode(), None)
    ```
    Use an authenticated mode (AES-GCM, ChaCha20-Poly1305) or `cryptography.fernet.Fernet`, with
    a fresh nonce per message.

    ## Known limitations
    Decrypting legacy data is reported too; suppress it there with a reason once a migration
    plan exists.

    ## References
    - https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/
    - https://sweet32.info/
    """

    meta = RuleMeta(
        code="PG621",
        name="weak-cipher",
        category="security.crypto",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.BROKEN_CRYPTO,),
        message="{what} is broken encryption, so the protected data can be recovered or tampered with",
        tags=("crypto",),
    )

    flagged = (
        """
        from Crypto.Cipher import AES, DES3
        from Crypto.Util.Padding import pad

        def tokenize_card(pan: str, key: bytes) -> bytes:
            cipher = AES.new(key, AES.MODE_ECB)  # error: PG621
            return cipher.encrypt(pad(pan.encode(), 16))

        def legacy_pin_block(pin: bytes, key: bytes) -> bytes:
            return DES3.new(key, DES3.MODE_CBC, iv=bytes(8)).encrypt(pin)  # error: PG621
        """,
        """
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        def encrypt_reference(key: bytes, block: bytes) -> bytes:
            encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # error: PG621
            return encryptor.update(block) + encryptor.finalize()

        def legacy(key: bytes):
            return Cipher(algorithms.TripleDES(key), modes.CBC(bytes(8)))  # error: PG621
        """,
        """
        from Crypto.Cipher import *

        def send_encrypted(key: bytes, channel, message: bytes) -> None:
            channel.send(DES.new(key, DES.MODE_CBC).encrypt(message))  # error: PG621
        """,
    )
    clean = (
        """
        import os
        from Crypto.Cipher import AES
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        def tokenize_card(pan: str, key: bytes) -> bytes:
            nonce = os.urandom(12)
            return nonce + AESGCM(key).encrypt(nonce, pan.encode(), None)

        def encrypt(key: bytes, data: bytes):
            cipher = AES.new(key, AES.MODE_GCM)
            return cipher.encrypt_and_digest(data)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name is None:
            name = next((n for n in star_imported_names(node.func, ctx) if n in CIPHER_CONSTRUCTORS or n in ECB_MODES),
                        None)
        if name in CIPHER_CONSTRUCTORS:
            ctx.report(node, what=CIPHER_CONSTRUCTORS[name])
        elif name in ECB_MODES:
            ctx.report(node, what="ECB mode")

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if node.attr != "MODE_ECB" or not isinstance(ctx.parent(), ast.Call):
            return
        names = [ctx.qualname(node), *star_imported_names(node, ctx)]
        if any(name in ECB_MODES for name in names):
            ctx.report(node, what="ECB mode")
