from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import is_constant, under_verification_switch

UNVERIFIED_FACTORIES = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context"})
WRAP_SOCKET = frozenset({"ssl.wrap_socket"})
SERVER_SIDE = frozenset({"ssl.PROTOCOL_TLS_SERVER", "ssl.Purpose.CLIENT_AUTH"})


class UnverifiedSslContext(Rule):
    """
    ## What it does
    Finds TLS contexts made not to verify the peer: `ssl._create_unverified_context()` (called,
    or installed as `ssl._create_default_https_context`), `context.verify_mode = ssl.CERT_NONE`,
    `context.check_hostname = False`, and client sockets from `ssl.wrap_socket` without
    `cert_reqs=ssl.CERT_REQUIRED` (its default is `CERT_NONE`, and it never checks the hostname).

    ## Why is this bad
    Every connection made with the context accepts any certificate (or any certificate for any
    host), so a machine-in-the-middle can impersonate the gateway, bank or mail server the code
    talks to: credentials and settlement data are read, and forged answers are trusted.
    Installing it as the default HTTPS context switches verification off for the whole process,
    including libraries that never asked for it.

    ## Example
    ```python
    ctx = ssl._create_unverified_context()
    with urllib.request.urlopen(req, context=ctx, timeout=15) as resp:
        ...
    ```

    ## Use instead
    ```python
    ctx = ssl.create_default_context(cafile="/etc/ssl/legacy-gateway-ca.pem")
    ```
    Trust the private CA or pin the certificate instead of trusting everyone.

    ## Known limitations
    `check_hostname = False` is reported even when the code verifies the certificate another
    way (pinning a fingerprint after the handshake); suppress it there with a reason.
    Assignments inside an `if` that tests a verification setting (`if not verify:`) are left
    alone: the caller chose, and the setting is where the decision has to be reviewed.

    ## References
    - https://docs.python.org/3/library/ssl.html#security-considerations
    - https://peps.python.org/pep-0476/
    """

    meta = RuleMeta(
        code="PG611",
        name="unverified-ssl-context",
        category="security.tls",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.IMPROPER_CERT_VALIDATION,),
        message="`{what}` disables certificate or hostname checks, so a machine-in-the-middle can "
                "impersonate the server",
        tags=("tls",),
    )

    flagged = (
        """
        import ssl
        import urllib.request

        def fetch_legacy_settlement(url):
            ctx = ssl._create_unverified_context()  # error: PG611
            with urllib.request.urlopen(url, context=ctx, timeout=15) as resp:
                return resp.read()
        """,
        """
        import ssl

        ssl._create_default_https_context = ssl._create_unverified_context  # error: PG611

        def smtp_context():
            context = ssl.create_default_context()
            context.check_hostname = False  # error: PG611
            context.verify_mode = ssl.CERT_NONE  # error: PG611
            return context
        """,
        """
        import socket
        import ssl

        def connect(host, port):
            tls = ssl.wrap_socket(socket.socket(socket.AF_INET, socket.SOCK_STREAM))  # error: PG611
            tls.connect((host, port))
            return tls

        def connect_legacy(sock):
            return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE)  # error: PG611
        """,
    )
    clean = (
        """
        import ssl

        def smtp_context(cafile):
            context = ssl.create_default_context(cafile=cafile)
            context.verify_mode = ssl.CERT_REQUIRED
            context.check_hostname = True
            return context
        """,
        """
        import ssl

        def server_context():
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.verify_mode = ssl.CERT_NONE
            return context

        def listen(sock):
            return ssl.wrap_socket(sock, server_side=True, certfile="server.pem")

        def connect(sock):
            return ssl.wrap_socket(sock, cert_reqs=ssl.CERT_REQUIRED, ca_certs="/etc/ssl/ca.pem")

        def client_context(verify: bool):
            context = ssl.create_default_context()
            if not verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            return context

        def webhook_listener_context():
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.check_hostname = False
            return context
        """,
    )

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if (node.attr.startswith("_create_") and ctx.qualname(node) in UNVERIFIED_FACTORIES
                and not self._assignment_target(node, ctx)):
            ctx.report(node, what=ctx.qualname(node))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.call_name(node) in WRAP_SOCKET:
            requirement = ctx.argument(node, 4, "cert_reqs")
            server = ctx.argument(node, 3, "server_side")
            if requirement is not None and ctx.qualname(requirement) == "ssl.CERT_NONE":
                ctx.report(requirement, what="ssl.wrap_socket")
            elif requirement is None and (server is None or is_constant(server, False)) and not ctx.has_splat(node):
                ctx.report(node, what="ssl.wrap_socket")  # its cert_reqs defaults to CERT_NONE

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Attribute) or target.attr not in ("check_hostname", "verify_mode"):
                continue
            disables = (is_constant(node.value, False) if target.attr == "check_hostname"
                        else ctx.qualname(node.value) == "ssl.CERT_NONE")
            if disables and not self._server_context(target.value, ctx) and not under_verification_switch(ctx):
                ctx.report(node, what=ast.unparse(node).strip())

    @staticmethod
    def _assignment_target(node: ast.Attribute, ctx: FileContext) -> bool:
        """The factory is replaced (``ssl._create_unverified_context = ...``), not used."""
        parent = ctx.parent()
        return isinstance(parent, ast.Assign) and any(t is node for t in parent.targets)

    @staticmethod
    def _server_context(expr: ast.expr, ctx: FileContext) -> bool:
        """A server-side context, where ``CERT_NONE`` only means "do not ask clients for certificates"."""
        call = ctx.constructor(expr)
        return call is not None and any(
            ctx.qualname(a) in SERVER_SIDE for a in [*call.args, *(k.value for k in call.keywords)])
