from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext

REQUEST = frozenset({"flask.request", "quart.request"})
JSON_ATTRIBUTES = frozenset({"json"})
JSON_METHODS = frozenset({"get_json"})
CONVERSIONS = frozenset({"int", "float", "decimal.Decimal"})
HANDLED = frozenset({"KeyError", "TypeError", "ValueError", "Exception", "BaseException", "LookupError",
                     "InvalidOperation", "ArithmeticError"})


def _json_body(node: ast.expr, ctx: FileContext) -> bool:
    """``request.json`` or ``request.get_json(...)`` of Flask/Quart."""
    if isinstance(node, ast.Attribute) and node.attr in JSON_ATTRIBUTES:
        return ctx.qualname(node.value) in REQUEST
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in JSON_METHODS:
        return ctx.qualname(node.func.value) in REQUEST
    return False


def _request_value(node: ast.expr, ctx: FileContext) -> bool:
    """``request.args.get(...)``, ``request.form.get(...)``, ``request.args[...]`` and the JSON body's items."""
    if isinstance(node, ast.Subscript):
        node = node.value
        return _json_body(node, ctx) or (isinstance(node, ast.Attribute) and ctx.qualname(node.value) in REQUEST)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        target = node.func.value
        return _json_body(target, ctx) or (isinstance(target, ast.Attribute) and ctx.qualname(target.value) in REQUEST)
    return False


class RequestJsonIndexedDirectly(Rule):
    """
    ## What it does
    Finds request data used without validation in Flask/Quart handlers: the JSON body indexed
    directly (`request.json["amount"]`) and request values converted with `int()`/`float()`/
    `Decimal()`, outside any `try` that handles the failure.

    ## Why is this bad
    A client that omits a field, sends `null` or `"12abc"` turns the handler into a 500 with a
    stack trace instead of a 400 that says what is wrong; clients retry 500s, and monitoring
    pages someone for what is a bad request. Without validation, nothing bounds the value
    either (negative amounts, huge quantities).

    ## Example
    ```python
    amount = int(request.json["amount"])
    ```

    ## Use instead
    ```python
    payload = ChargeRequest.model_validate(request.get_json())  # pydantic: 400 with reasons
    ```

    ## Known limitations
    Test files are not checked: a view a test defines to echo a field back to its test client
    answers no real client.
    """

    meta = RuleMeta(
        code="PG770",
        name="request-data-used-unvalidated",
        category="security.input-validation",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.IMPROPER_INPUT_VALIDATION,),
        message="{what} is used without validation, so a missing or malformed field becomes a 500 instead of a 400",
        tags=("web", "validation"),
    )

    flagged = (
        """
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/charges")
        def create_charge():
            amount = request.json["amount"]  # error: PG770
            quantity = int(request.args.get("quantity"))  # error: PG770
            return {"amount": amount, "quantity": quantity}
        """,
    )
    clean = (
        Example(
            """
            from flask import Flask, request

            def test_json_body_is_echoed(client):
                app = Flask(__name__)

                @app.post("/echo")
                def echo():
                    return {"x": request.json["x"]}
            """,
            path="tests/test_json.py",
        ),
        """
        from flask import Flask, request, abort

        app = Flask(__name__)

        @app.post("/charges")
        def create_charge():
            payload = request.get_json(silent=True) or {}
            amount = payload.get("amount")
            try:
                quantity = int(request.args.get("quantity", "1"))
            except ValueError:
                abort(400)
            return {"amount": amount, "quantity": quantity}
        """,
    )

    def visit_Subscript(self, node: ast.Subscript, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        if isinstance(node.ctx, ast.Load) and _json_body(node.value, ctx) and not self._guarded(ctx):
            ctx.report(node, what="the JSON body's field")

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        if ctx.call_name(node) in CONVERSIONS and node.args and _request_value(node.args[0], ctx) and not self._guarded(ctx):
            ctx.report(node, what=f"`{ast.unparse(node.func)}()` of a request value")

    @staticmethod
    def _guarded(ctx: FileContext) -> bool:
        for node in ctx.ancestors():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return False
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    names = [handler.type] if not isinstance(handler.type, ast.Tuple) else handler.type.elts
                    if handler.type is None or any(ast.unparse(n).rsplit(".", 1)[-1] in HANDLED for n in names if n):
                        return True
        return False
