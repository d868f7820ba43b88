from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import in_main_guard

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})
KEYWORD_ONLY = 99
# Server entry points and the position of their ``host`` argument.
SERVERS = {
    "uvicorn.run": KEYWORD_ONLY, "aiohttp.web.run_app": KEYWORD_ONLY, "waitress.serve": KEYWORD_ONLY,
    "werkzeug.serving.run_simple": 0, "werkzeug.run_simple": 0, "wsgiref.simple_server.make_server": 0,
    "socketserver.TCPServer": 0, "http.server.HTTPServer": 0, "http.server.ThreadingHTTPServer": 0,
}
# Those taking a ``(host, port)`` tuple first.
ADDRESS_SERVERS = frozenset({"socketserver.TCPServer", "http.server.HTTPServer", "http.server.ThreadingHTTPServer"})
SOCKET_CONSTRUCTORS = frozenset({"socket.socket", "socket.create_server"})


class ServerBoundToAllInterfaces(Rule):
    """
    ## What it does
    Finds servers and sockets bound to every network interface with a literal address in code:
    `app.run(host="0.0.0.0")`, `uvicorn.run(app, host="0.0.0.0")`, `run_simple("0.0.0.0", ...)`,
    `sock.bind(("0.0.0.0", port))` and `socket.create_server(("", port))`.

    ## Why is this bad
    A service that should be reached only through its load balancer, sidecar or localhost is
    then reachable from every network the host is attached to: admin ports, metrics, debug
    servers and internal APIs end up exposed, bypassing the proxy's TLS, authentication and
    rate limits. A wildcard socket on an unprivileged port can also be hijacked (CWE-605):
    where the system lets another process bind the same port on one of the host's addresses
    with `SO_REUSEADDR` (BSD-derived systems, and Windows unless the server sets
    `SO_EXCLUSIVEADDRUSE`), that more specific bind receives the packets and connections meant
    for this server. The address belongs to deployment configuration, where it can be narrowed
    per environment, not in code.

    ## Example
    ```python
    uvicorn.run("payments.api:app", host="0.0.0.0", port=8000)
    ```

    ## Use instead
    ```python
    uvicorn.run("payments.api:app", host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8000)
    ```
    In containers, pass the address on the command line (`gunicorn -b 0.0.0.0:8000`) so the
    decision is made where the network is known.

    ## Known limitations
    Binding all interfaces is often right inside a container. Calls inside
    `if __name__ == "__main__":` are reported with low confidence; addresses read from the
    environment or settings are not reported.

    ## References
    - https://cwe.mitre.org/data/definitions/1327.html
    - https://cwe.mitre.org/data/definitions/605.html (its one mitigation: bind known local addresses)
    """

    meta = RuleMeta(
        code="PG602",
        name="server-bound-to-all-interfaces",
        category="security.config",
        severity=Severity.LOW,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.INSECURE_BIND_ALL, cwe.MULTIPLE_BINDS_SAME_PORT),
        message="`{call}` binds every network interface, exposing this server beyond the proxy that "
                "should front it",
        tags=("network",),
    )

    flagged = (
        """
        import uvicorn
        from payments.api import app

        def serve():
            uvicorn.run(app, host="0.0.0.0", port=8000)  # error: PG602
        """,
        """
        import socket

        def metrics_listener(port):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("0.0.0.0", port))  # error: PG602
            sock.listen(16)
            return sock
        """,
        """
        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run(host="0.0.0.0", port=5000)  # error: PG602
        """,
    )
    clean = (
        """
        import os
        import socket
        import uvicorn
        from payments.api import app

        def serve(port):
            uvicorn.run(app, host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8000)
            sock = socket.socket()
            sock.bind(("127.0.0.1", port))
        """,
        """
        def address(parser):
            parser.add_argument("--host", default="0.0.0.0")
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        name = ctx.call_name(node)
        if name in SERVERS:
            if name in ADDRESS_SERVERS:
                host = self._address_host(ctx.argument(node, 0, "server_address"))
            else:
                host = ctx.argument(node, SERVERS[name], "host")
        elif isinstance(func, ast.Attribute) and func.attr == "run" and self._named_app(func.value):
            host = ctx.argument(node, 0, "host")
        elif isinstance(func, ast.Attribute) and func.attr == "bind" and self._is_socket(func.value, ctx):
            host = self._address_host(node.args[0] if node.args else None)
        elif name == "socket.create_server":
            host = self._address_host(ctx.argument(node, 0, "address"))
            if isinstance(host, ast.Constant) and host.value == "":
                host = ast.Constant("0.0.0.0")
        else:
            return
        if self._is_all(host, ctx):
            confidence = Confidence.LOW if in_main_guard(ctx) else None
            ctx.report(node, call=ast.unparse(func), confidence=confidence)

    @staticmethod
    def _address_host(address: ast.expr | None) -> ast.expr | None:
        if isinstance(address, ast.Tuple) and address.elts:
            return address.elts[0]
        return None

    @staticmethod
    def _named_app(receiver: ast.expr) -> bool:
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
        return name in ("app", "application", "flask_app", "api", "server")

    @staticmethod
    def _is_socket(receiver: ast.expr, ctx: FileContext) -> bool:
        return ctx.constructor_name(receiver) in SOCKET_CONSTRUCTORS

    @staticmethod
    def _is_all(host: ast.expr | None, ctx: FileContext) -> bool:
        if isinstance(host, ast.Name):
            host = ctx.value_of(host)
        return isinstance(host, ast.Constant) and host.value in ALL_INTERFACES
