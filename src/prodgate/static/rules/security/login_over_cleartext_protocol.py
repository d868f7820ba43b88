from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

# Clients of protocols that send the password as sent, the method that logs in, and the method
# that upgrades the connection to TLS first (None when the protocol has none in this class).
CLEARTEXT_LOGINS: dict[str, tuple[str, str | None]] = {
    "ftplib.FTP": ("login", None),
    "smtplib.SMTP": ("login", "starttls"),
    "imaplib.IMAP4": ("login", "starttls"),
    "poplib.POP3": ("pass_", "stls"),
}
LOGIN_METHODS = frozenset(login for login, _ in CLEARTEXT_LOGINS.values())


class LoginOverCleartextProtocol(Rule):
    """
    ## What it does
    Finds logins with a user name and password over protocols that send them unencrypted:
    FTP (`ftplib.FTP(host, user, passwd)` or `.login(user, passwd)`), and SMTP, IMAP and POP3
    clients that log in without first upgrading the connection with `starttls()` / `stls()`
    in the same function.

    ## Why is this bad
    Anyone on the path (a shared network, a compromised router, a cloud neighbour) reads the
    password as it is sent and logs in as the service, then reads or replaces the files and
    mail it handles.

    ## Example
    ```python
    ftp = ftplib.FTP("files.partner.example")
    ftp.login(settings.FTP_USER, settings.FTP_PASSWORD)
    ```

    ## Use instead
    ```python
    ftp = ftplib.FTP_TLS("files.partner.example")
    ftp.login(settings.FTP_USER, settings.FTP_PASSWORD)
    ftp.prot_p()
    ```
    Use `FTP_TLS`, `SMTP_SSL`, `IMAP4_SSL`, `POP3_SSL`, or call `starttls()` before logging in;
    prefer SFTP over FTP.

    ## Known limitations
    A `starttls()` call in another function than the login is not seen, so the login is
    reported; anonymous FTP logins (`login()` without arguments) are not.

    ## References
    - https://cwe.mitre.org/data/definitions/319.html
    - https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS
    """

    meta = RuleMeta(
        code="PG612",
        name="login-over-cleartext-protocol",
        category="security.tls",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.CLEARTEXT_TRANSMISSION,),
        message="`{client}` sends the password unencrypted, so anyone on the network path can read it and log in",
        tags=("tls",),
    )

    flagged = (
        """
        import ftplib
        import os

        def download(hostname, username, password, name):
            ftp = ftplib.FTP(hostname)
            ftp.login(username, password)  # error: PG612
            with open(os.path.basename(name), "wb") as out:
                ftp.retrbinary(f"RETR {name}", out.write)

        def upload(hostname, data):
            with ftplib.FTP(hostname, "reports", os.environ["FTP_PASSWORD"]) as ftp:  # error: PG612
                ftp.storbinary("STOR report.csv", data)
        """,
        """
        import smtplib

        def send(message, user, password):
            server = smtplib.SMTP("mail.internal", 587)
            server.login(user, password)  # error: PG612
            server.send_message(message)
        """,
    )
    clean = (
        """
        import ftplib
        import smtplib

        def mirror(hostname):
            ftp = ftplib.FTP(hostname)
            ftp.login()
            return ftp.nlst()

        def secure_download(hostname, username, password):
            ftp = ftplib.FTP_TLS(hostname)
            ftp.login(username, password)
            ftp.prot_p()
            return ftp.nlst()

        def send(message, user, password):
            server = smtplib.SMTP("mail.internal", 587)
            server.starttls()
            server.login(user, password)
            server.send_message(message)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in LOGIN_METHODS:
            if node.args or node.keywords:
                client = ctx.constructor_name(func.value)
                login, upgrade = CLEARTEXT_LOGINS.get(client or "", ("", None))
                if func.attr == login and not (upgrade and self._upgraded(func.value, upgrade, ctx)):
                    ctx.report(node, client=client)
            return
        if (len(node.args) > 2 or ctx.keyword(node, "passwd") is not None) and ctx.call_name(node) == "ftplib.FTP":
            ctx.report(node, client="ftplib.FTP")

    @staticmethod
    def _upgraded(receiver: ast.expr, upgrade: str, ctx: FileContext) -> bool:
        """Whether the enclosing function calls ``<receiver>.<upgrade>()``."""
        scope = ctx.function() or ctx.tree
        text = ast.unparse(receiver)
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == upgrade
                   and ast.unparse(n.func.value) == text for n in ast.walk(scope))
