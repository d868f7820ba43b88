from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.inputs._helpers import REQUEST_DATA, input_read


class AssertValidatesInput(Rule):
    """
    ## What it does
    Finds `assert` statements that check outside input (`input()`, `sys.argv`, standard input or
    a web request's data), in code other than tests.

    ## Why is this bad
    `python -O` (and `PYTHONOPTIMIZE`, which some container images and process managers set)
    removes every `assert`: the check is gone, and the input it was meant to reject flows on
    into the code that trusted it. Where it does run, a failed assert raises a bare
    `AssertionError` (a 500 in a web handler) instead of a message saying what is wrong.

    ## Example
    ```python
    quantity = int(request.args["quantity"])
    assert 0 < quantity <= 100
    ```

    ## Use instead
    ```python
    quantity = int(request.args["quantity"])
    if not 0 < quantity <= 100:
        abort(400, "quantity must be between 1 and 100")
    ```

    ## Known limitations
    Input is followed through plain assignments within the function; a value passed to another
    function and asserted there is not reported, nor are asserts on a function's own arguments
    (an API's check of its caller, which is a programming error, not input).
    """

    meta = RuleMeta(
        code="PG772",
        name="assert-validates-input",
        category="security.input-validation",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.IMPROPER_INPUT_VALIDATION, cwe.IMPROPER_CHECK_OF_EXCEPTIONAL_CONDITIONS),
        message="`assert` validates {source}, and `python -O` removes asserts, so the bad input it should reject goes on",
        tags=("validation",),
    )

    flagged = (
        """
        import sys
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/orders")
        def order():
            quantity = int(request.form["quantity"])
            assert 0 < quantity <= 100, "bad quantity"  # error: PG772
            return {"quantity": quantity}

        def main():
            count = int(input("How many? "))
            assert type(count) == int  # error: PG772
            assert len(sys.argv) > 1  # error: PG772
            return count
        """,
    )
    clean = (
        """
        import sys
        from flask import Flask, abort, request

        app = Flask(__name__)

        @app.post("/orders")
        def order():
            quantity = int(request.form["quantity"])
            if not 0 < quantity <= 100:
                abort(400, "quantity must be between 1 and 100")
            return {"quantity": quantity}

        def scale(values, factor):
            assert factor > 0, "factor must be positive"
            return [v * factor for v in values]
        """,
        Example(
            """
            from app import parse_args

            def test_parse_args(monkeypatch):
                monkeypatch.setattr("sys.argv", ["prog", "3"])
                assert parse_args().count == 3
            """,
            path="tests/test_cli.py",
        ),
    )

    def visit_Assert(self, node: ast.Assert, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        source = input_read(node.test, ctx)
        if source is not None:
            ctx.report(node, source=source if source == REQUEST_DATA else f"input from {source}")
