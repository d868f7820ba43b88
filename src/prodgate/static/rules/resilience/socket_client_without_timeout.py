from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import is_none

# Constructor -> position of its ``timeout`` parameter (99: keyword-only or varies across versions).
TIMEOUT_POSITIONS = {
    "smtplib.SMTP": 3, "smtplib.SMTP_SSL": 99, "smtplib.LMTP": 4,
    "ftplib.FTP": 4, "ftplib.FTP_TLS": 99,
    "http.client.HTTPConnection": 2, "http.client.HTTPSConnection": 99,
    "telnetlib.Telnet": 2,
    "socket.create_connection": 1,
    "poplib.POP3": 2, "poplib.POP3_SSL": 99,
    "imaplib.IMAP4": 2, "imaplib.IMAP4_SSL": 99,
}


class SocketClientWithoutTimeout(Rule):
    """
    ## What it does
    Finds standard-library network clients created without a `timeout`: `smtplib.SMTP`,
    `SMTP_SSL`, `ftplib.FTP`, `http.client.HTTPConnection`/`HTTPSConnection`, `telnetlib.Telnet`,
    `poplib`, `imaplib` and `socket.create_connection`.

    ## Why is this bad
    Without a timeout these clients use the global socket default, which is "wait forever". A
    mail relay that accepts the TCP connection but never sends its greeting, or an FTP server that
    stalls mid-transfer, parks the worker that sends the receipt for good. Under load every worker
    ends up waiting on the same dead server and the service stops answering.

    ## Example
    ```python
    with smtplib.SMTP(SMTP_HOST, 587) as server:
        server.send_message(receipt)
    ```

    ## Use instead
    ```python
    with smtplib.SMTP(SMTP_HOST, 587, timeout=10) as server:
        server.send_message(receipt)
    ```

    ## Known limitations
    A module that calls `socket.setdefaulttimeout()` is assumed to have set a process-wide
    timeout and is not checked. Clients whose class is chosen at run time (`self.connection_class(...)`)
    are not recognised.
    Test files are not checked.

    ## References
    - https://docs.python.org/3/library/smtplib.html#smtplib.SMTP
    - https://docs.python.org/3/library/socket.html#socket.getdefaulttimeout
    """

    meta = RuleMeta(
        code="PG102",
        name="socket-client-without-timeout",
        category="resilience.timeout",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` connects with no timeout, so a server that stops answering blocks this worker forever",
        tags=("socket",),
    )

    flagged = (
        """
        import smtplib

        def send_receipt(msg):
            with smtplib.SMTP("smtp.internal", 587) as server:  # error: PG102
                server.starttls()
                server.send_message(msg)
        """,
        """
        import ftplib
        from http.client import HTTPSConnection
        from socket import create_connection

        def upload_settlement(path):
            ftp = ftplib.FTP("sftp.bank.example", "payments", "secret")  # error: PG102
            conn = HTTPSConnection("ledger.internal", 443)  # error: PG102
            sock = create_connection(("fraud.internal", 9000))  # error: PG102
            return ftp, conn, sock
        """,
        """
        import imaplib

        def bounced_receipts():
            box = imaplib.IMAP4_SSL("imap.mail.example")  # error: PG102
            box.login("bounces", "secret")
            return box.search(None, "UNSEEN")
        """,
    )
    clean = (
        """
        import smtplib
        import socket

        def send_receipt(msg, **options):
            with smtplib.SMTP("smtp.internal", 587, timeout=10) as server:
                server.send_message(msg)
            smtplib.SMTP("smtp.internal", 587, None, 10)
            smtplib.SMTP_SSL("smtp.internal", **options)
            socket.create_connection(("fraud.internal", 9000), 3)
        """,
        """
        import socket
        from http.client import HTTPConnection

        socket.setdefaulttimeout(10)

        def ping():
            HTTPConnection("ledger.internal").request("GET", "/health")
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        position = TIMEOUT_POSITIONS.get(name or "")
        if position is None or ctx.has_splat(node) or ctx.is_test_file:
            return
        timeout = ctx.argument(node, position, "timeout")
        if (timeout is None or is_none(timeout)) and not self._default_timeout(ctx):
            ctx.report(node, call=name)

    @staticmethod
    def _default_timeout(ctx: FileContext) -> bool:
        state = ctx.state()
        if "default" not in state:
            state["default"] = "setdefaulttimeout" in ctx.text
        return bool(state["default"])
