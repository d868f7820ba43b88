from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class HttpCallWithoutTimeout(Rule):
    """
    ## What it does
    Finds HTTP requests made with `requests` (module functions and `Session` objects) or
    `urllib.request.urlopen` without a `timeout`, and `httpx` calls or clients whose timeout is
    explicitly `None`.

    ## Why is this bad
    `requests` and `urllib` wait forever by default. When the payments API, a webhook target or
    any dependency stops answering, every worker that calls it hangs on the socket; the pool
    empties, health checks fail and the outage spreads from one slow dependency to the whole
    service. Nothing in local tests shows it, because the test server always answers.

    ## Example
    ```python
    resp = requests.post(PAYMENTS_URL, json=payload)
    ```

    ## Use instead
    ```python
    resp = requests.post(PAYMENTS_URL, json=payload, timeout=(3.05, 10))
    ```
    A `(connect, read)` tuple bounds both phases. For a `Session`, pass `timeout=` on each call
    or wrap `session.request` with `functools.partial(session.request, timeout=...)`.

    ## Known limitations
    A session received as a function parameter, or returned by a helper function, is not
    followed: its timeout configuration is unknown, so calls on it are not reported.
    Test files are not checked: a test that hangs is stopped by the test runner, not a worker
    outage.

    ## References
    - https://requests.readthedocs.io/en/latest/user/advanced/#timeouts
    """

    meta = RuleMeta(
        code="PG101",
        name="http-call-without-timeout",
        category="resilience.timeout",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` has no timeout, so one unresponsive server blocks this worker forever",
        tags=("http",),
    )

    flagged = (
        """
        import requests

        def charge(payload):
            return requests.post("https://pay.example/charges", json=payload)  # error: PG101
        """,
        """
        from requests import get as fetch
        from urllib.request import urlopen

        def load(url):
            body = fetch(url).text  # error: PG101
            return urlopen(url).read(), body  # error: PG101
        """,
        """
        import requests

        session = requests.Session()

        def status(order_id):
            return session.get(f"https://api/orders/{order_id}")  # error: PG101
        """,
        """
        import requests

        class PaymentsClient:
            def __init__(self, base_url):
                self.base_url = base_url
                self.session = requests.Session()

            def capture(self, charge_id):
                return self.session.post(f"{self.base_url}/charges/{charge_id}/capture")  # error: PG101
        """,
        """
        import requests

        def fetch(url):
            with requests.Session() as session:
                return session.get(url)  # error: PG101
        """,
        """
        import httpx

        client = httpx.Client(timeout=None)  # error: PG101
        httpx.get("https://api/health", timeout=None)  # error: PG101
        """,
        Example(
            """
            from .http import session

            def refund(charge_id):
                return session.post(f"https://pay/refunds/{charge_id}")  # error: PG101
            """,
            path="app/payments.py",
            files={"app/http.py": "import requests\nsession = requests.Session()\n", "app/__init__.py": ""},
        ),
    )
    clean = (
        """
        import requests

        def charge(payload, **kwargs):
            requests.post("https://pay.example/charges", json=payload, timeout=(3.05, 10))
            requests.get("https://pay.example/ping", **kwargs)
        """,
        """
        import functools
        import requests

        session = requests.Session()
        session.request = functools.partial(session.request, timeout=5)

        def status(order_id):
            return session.get(f"https://api/orders/{order_id}")
        """,
        """
        import httpx

        def health():
            return httpx.get("https://api/health")
        """,
        Example(
            """
            from .http import session

            def refund(charge_id):
                return session.post(f"https://pay/refunds/{charge_id}")
            """,
            path="app/payments.py",
            files={
                "app/http.py": "import functools, requests\nsession = requests.Session()\n"
                               "session.request = functools.partial(session.request, timeout=5)\n",
                "app/__init__.py": "",
            },
        ),
        Example(
            """
            import requests

            def test_redirects_are_followed(httpbin):
                assert requests.get(httpbin("redirect/3")).status_code == 200
            """,
            path="tests/test_redirects.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        name = ctx.call_name(node)
        if name in apis.REQUESTS_FUNCTIONS or name == "urllib.request.urlopen":
            position = 2 if name == "urllib.request.urlopen" else 99
            if ctx.argument(node, position, "timeout") is None and not ctx.has_splat(node):
                ctx.report(node, call=name)
            return
        if name in apis.HTTPX_FUNCTIONS or name in apis.HTTPX_CLIENTS:
            keyword = ctx.keyword(node, "timeout")
            if keyword is not None and _is_none(keyword.value):
                ctx.report(node, call=name)
            return
        func = node.func
        if not (isinstance(func, ast.Attribute) and apis.is_http_verb(func.attr)):
            return
        if ctx.keyword(node, "timeout") is not None or ctx.has_splat(node):
            return
        receiver = func.value
        if ctx.constructor_name(receiver) in apis.REQUESTS_SESSIONS:
            if ast.unparse(receiver) not in self._wrapped_sessions(ctx):
                ctx.report(node, call=ast.unparse(func))
            return
        imported = ctx.qualname(receiver)
        binding = ctx.binding(receiver.id) if isinstance(receiver, ast.Name) else None
        if imported and binding is not None and binding.kind == "import":
            ctx.report(node, call=ast.unparse(func), requires=("session", imported))

    @staticmethod
    def _wrapped_sessions(ctx: FileContext) -> set[str]:
        """Sessions whose ``request`` method the file replaces (``functools.partial(..., timeout=)``)."""
        state = ctx.state()
        if "wrapped" not in state:
            state["wrapped"] = {
                ast.unparse(target.value)
                for node in ast.walk(ctx.tree) if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Attribute) and target.attr == "request"
            }
        wrapped: set[str] = state["wrapped"]
        return wrapped

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        _, qualname = query
        facts = index.value(qualname)
        if facts is None or facts.constructor is None:
            return False
        return facts.constructor in apis.REQUESTS_SESSIONS and "request" not in facts.configured
