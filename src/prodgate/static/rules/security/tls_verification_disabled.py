from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import constructor_name, is_constant

HTTP_MODULES = ("requests.", "httpx.", "aiohttp.", "urllib3.")
CLIENTS = apis.REQUESTS_SESSIONS | apis.HTTPX_CLIENTS | apis.AIOHTTP_SESSIONS
CLIENT_METHODS = frozenset({*apis.HTTP_VERBS, "send", "stream", "ws_connect"})
URLLIB3_POOLS = frozenset({
    "urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPSConnectionPool", "urllib3.connection_from_url",
    "urllib3.poolmanager.PoolManager", "urllib3.connectionpool.HTTPSConnectionPool", "urllib3.proxy_from_url",
})
# Keywords that switch verification off when given these values.
DISABLING = (("verify", False), ("ssl", False), ("verify_ssl", False))


def _cert_none(node: ast.expr | None, ctx: FileContext) -> bool:
    return is_constant(node, "CERT_NONE") or (node is not None and ctx.qualname(node) == "ssl.CERT_NONE")


class TlsVerificationDisabled(Rule):
    """
    ## What it does
    Finds HTTP clients told not to verify the server's certificate: `verify=False` on
    `requests`/`httpx` calls, sessions and clients, `session.verify = False`, aiohttp's
    `ssl=False` or `verify_ssl=False`, and urllib3 pools with `cert_reqs="CERT_NONE"`.

    ## Why is this bad
    Without verification, TLS still encrypts but no longer authenticates: anyone on the path
    (a compromised router, a rogue Wi-Fi, a DNS spoof, a proxy in a shared cluster) can present
    any certificate and read or change the traffic. API keys, card data and webhook secrets sent
    over the connection are exposed, and forged responses are trusted.

    ## Example
    ```python
    resp = requests.get(f"{LEDGER_URL}/entries", verify=False, timeout=10)
    ```

    ## Use instead
    ```python
    resp = requests.get(f"{LEDGER_URL}/entries", verify="/etc/ssl/acmepay-internal-ca.pem", timeout=10)
    ```
    For a private or self-signed CA, pass its bundle (`verify=path`, `ssl.create_default_context(
    cafile=...)`) instead of switching verification off.

    ## Known limitations
    A `verify` value read from a variable or setting is trusted. Test files are not checked:
    a test that talks to a local server with a self-signed or expired certificate turns
    verification off on purpose, and no production traffic passes through it.

    ## References
    - https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification
    - https://www.python-httpx.org/advanced/ssl/
    """

    meta = RuleMeta(
        code="PG610",
        name="tls-verification-disabled",
        category="security.tls",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.IMPROPER_CERT_VALIDATION,),
        message="`{call}` turns off certificate verification, so anyone on the network path can read and "
                "forge this traffic",
        tags=("http", "tls"),
    )

    flagged = (
        """
        import requests

        class LedgerClient:
            def entries_since(self, account_id, cursor=None):
                resp = requests.get(
                    f"{self.base_url}/accounts/{account_id}/entries",
                    params={"after": cursor},
                    verify=False,  # error: PG610
                    timeout=10,
                )
                resp.raise_for_status()
                return resp.json()["entries"]
        """,
        """
        import httpx
        import requests

        session = requests.Session()
        session.verify = False  # error: PG610
        client = httpx.AsyncClient(base_url="https://ledger.internal", verify=False, timeout=5)  # error: PG610
        """,
        """
        import aiohttp

        async def fetch_rates(url):
            async with aiohttp.ClientSession() as session:
                async with session.get(url, ssl=False) as resp:  # error: PG610
                    return await resp.json()
        """,
        """
        import urllib3

        http = urllib3.PoolManager(cert_reqs="CERT_NONE", timeout=10)  # error: PG610
        """,
    )
    clean = (
        Example(
            """
            import requests

            def test_expired_certificate_is_accepted_without_verification(httpbin_secure):
                response = requests.get(httpbin_secure("get"), verify=False, timeout=5)
                assert response.ok
            """,
            path="tests/test_tls.py",
        ),
        """
        import requests

        def entries(url, ca_bundle, verify_tls):
            requests.get(url, verify=ca_bundle, timeout=10)
            requests.get(url, verify=verify_tls, timeout=10)
        """,
        """
        def check(form):
            form.verify = False
            return form.save(verify=False)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.keywords or ctx.is_test_file:
            return
        name = ctx.call_name(node) or ""
        if name in URLLIB3_POOLS:
            keyword = ctx.keyword(node, "cert_reqs")
            if keyword is not None and _cert_none(keyword.value, ctx):
                ctx.report(keyword, call=name)
            return
        if not (name.startswith(HTTP_MODULES) or self._client_call(node, ctx)):
            return
        for argument, value in DISABLING:
            keyword = ctx.keyword(node, argument)
            if keyword is not None and is_constant(keyword.value, value):
                ctx.report(keyword, call=name or ast.unparse(node.func))
                return

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not is_constant(node.value, False) or ctx.is_test_file:
            return
        for target in node.targets:
            if (isinstance(target, ast.Attribute) and target.attr == "verify"
                    and constructor_name(target.value, ctx) in CLIENTS):
                ctx.report(node, call=ast.unparse(target))

    @staticmethod
    def _client_call(node: ast.Call, ctx: FileContext) -> bool:
        func = node.func
        return (isinstance(func, ast.Attribute) and func.attr in CLIENT_METHODS
                and constructor_name(func.value, ctx) in CLIENTS)
