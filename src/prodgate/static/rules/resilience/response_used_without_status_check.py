from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import constructor_call, http_method, own_walk

BODY_ATTRIBUTES = frozenset({"json", "content", "text", "iter_content", "iter_lines"})
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
STATUS_ATTRIBUTES = frozenset({
    "raise_for_status", "status_code", "ok", "is_success", "is_error", "is_client_error", "is_server_error",
    "status", "reason", "reason_phrase",
})


class ResponseUsedWithoutStatusCheck(Rule):
    """
    ## What it does
    Finds the body of a `requests` or `httpx` response (`.json()`, `.content`, `.text`,
    `iter_content`) read in a function that has not called `raise_for_status()` or looked at
    `status_code` / `ok` on it before, and has not handed the response to another function.
    A body only passed to a logging call is not reported.

    ## Why is this bad
    A 500 from the provider, a 404 for a deleted customer or a 429 from a rate limiter still has
    a body. `.json()` on it either raises a confusing `JSONDecodeError` deep in the code (an HTML
    error page) or, worse, returns the error document, which is then cached, stored or used as
    if it were the customer or the charge: `KeyError`s later, or silently wrong data.

    ## Example
    ```python
    resp = requests.get(f"{API}/customers/{customer_id}", timeout=5)
    customer = resp.json()
    ```

    ## Use instead
    ```python
    resp = requests.get(f"{API}/customers/{customer_id}", timeout=5)
    resp.raise_for_status()
    customer = resp.json()
    ```

    ## Known limitations
    A module that installs response hooks (`hooks=` / `event_hooks=`) is assumed to check
    statuses there and is not reported. Checks are matched by line order, not by control flow.
    Test files are not checked.

    ## References
    - https://requests.readthedocs.io/en/latest/user/quickstart/#response-status-codes
    """

    meta = RuleMeta(
        code="PG120",
        name="response-used-without-status-check",
        category="resilience.unchecked-response",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNCHECKED_RETURN, cwe.UNUSUAL_CONDITION_UNCHECKED),
        message="`{body}` reads the response of `{call}` without checking its status, so an error response is processed as if the call succeeded",
        tags=("http",),
    )

    flagged = (
        """
        import requests

        def get_customer(api, customer_id):
            resp = requests.get(f"{api}/customers/{customer_id}", timeout=5)
            customer = resp.json()  # error: PG120
            return customer
        """,
        """
        import httpx

        client = httpx.Client(base_url="https://ledger.internal", timeout=5)

        def balance(account_id):
            return client.get(f"/accounts/{account_id}").json()["balance"]  # error: PG120
        """,
        """
        import requests

        class Fx:
            def __init__(self):
                self.session = requests.Session()

            def rates(self, url):
                resp = self.session.get(url, timeout=5)
                rates = resp.json()  # error: PG120
                if resp.status_code != 200:
                    raise RuntimeError(rates)
                return rates
        """,
    )
    clean = (
        """
        import requests

        def get_customer(api, customer_id):
            resp = requests.get(f"{api}/customers/{customer_id}", timeout=5)
            resp.raise_for_status()
            return resp.json()

        def get_charge(api, charge_id):
            resp = requests.get(f"{api}/charges/{charge_id}", timeout=5)
            if not resp.ok:
                return None
            return resp.json()

        def get_refund(api, refund_id):
            resp = requests.get(f"{api}/refunds/{refund_id}", timeout=5)
            _check(resp)
            return resp.json()

        def _check(resp):
            resp.raise_for_status()

        def cancel(api, logger, order_id):
            resp = requests.delete(f"{api}/orders/{order_id}", timeout=5)
            logger.info("cancel answered %s %s", resp.text, resp.json())
            resp.raise_for_status()
        """,
        """
        import requests

        def raise_on_error(resp, *args, **kwargs):
            resp.raise_for_status()

        session = requests.Session()
        session.hooks["response"].append(raise_on_error)

        def get_customer(api, customer_id):
            return session.get(f"{api}/customers/{customer_id}", timeout=5).json()
        """,
    )

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if node.attr not in BODY_ATTRIBUTES or ctx.is_test_file:
            return
        receiver = node.value
        call = constructor_call(ctx, receiver)
        if call is None or http_method(ctx, call) is None or "hooks" in ctx.text:
            return
        if isinstance(receiver, ast.Name) and self._checked_before(ctx, receiver.id, node.lineno):
            return
        if _logged(ctx, node):
            return
        if isinstance(receiver, (ast.Name, ast.Call)):
            shown = ast.unparse(receiver) if isinstance(receiver, ast.Name) else f"{ast.unparse(call.func)}(...)"
            ctx.report(node, body=f"{shown}.{node.attr}", call=ast.unparse(call.func))

    @staticmethod
    def _checked_before(ctx: FileContext, name: str, line: int) -> bool:
        function = ctx.function()
        if function is None:
            return True
        cache = ctx.state().setdefault("checks", {})
        if id(function) not in cache:
            cache[id(function)] = _status_checks(function)
        return any(checked <= line for checked in cache[id(function)].get(name, ()))


def _logged(ctx: FileContext, body: ast.Attribute) -> bool:
    """True when the body is an argument of a logging call (shown, not processed)."""
    for parent in ctx.ancestors():
        if isinstance(parent, ast.Call) and parent.func is not body:
            func = parent.func
            return isinstance(func, ast.Attribute) and func.attr in LOG_METHODS
        if isinstance(parent, ast.stmt):
            return False
    return False


def _status_checks(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[int]]:
    """Lines where each name's status is looked at, or the name is passed to a call or tested."""
    found: dict[str, list[int]] = {}
    for node in own_walk(function.body):
        names: list[ast.expr] = []
        if isinstance(node, ast.Attribute) and node.attr in STATUS_ATTRIBUTES:
            names = [node.value]
        elif isinstance(node, ast.Call):
            names = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            names = [node.test.operand if isinstance(node.test, ast.UnaryOp) else node.test]
        for name in names:
            if isinstance(name, ast.Name):
                found.setdefault(name.id, []).append(name.lineno)
    return found
