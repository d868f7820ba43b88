from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedCodeEvaluation(TaintRule):
    """
    ## What it does
    Finds untrusted input that reaches `eval`, `exec`, `compile`, or a template compiled from a
    string (`render_template_string`, `jinja2.Template`).

    ## Why is this bad
    Evaluating attacker-controlled text runs attacker-chosen code inside the service: reading
    secrets from the environment, opening shells, or changing data. Template engines
    compiled from input are the same hole (server-side template injection).

    ## Example
    ```python
    total = eval(request.args["expression"])
    ```

    ## Use instead
    ```python
    total = ast.literal_eval(request.args["expression"])
    ```
    Parse data with `json` or `ast.literal_eval`; render templates from files and pass input as variables.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG703",
        name="tainted-code-evaluation",
        category="security.injection.code",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        cwe=(cwe.CODE_INJECTION, cwe.EVAL_INJECTION),
        message="untrusted {source} reaches `{sink}`, so an attacker can execute arbitrary Python or template code",
        tags=("taint",),
    )
    sink = "code"

    flagged = (
        """
        from flask import request, render_template_string

        def calculate():
            expression = request.args.get("expr", "0")
            return str(eval(expression))  # error: PG703

        def greet():
            name = request.args.get("name", "")
            return render_template_string("<p>Hello " + name + "</p>")  # error: PG703
        """,
    )
    clean = (
        """
        import ast
        from flask import request, render_template_string

        def calculate():
            return str(ast.literal_eval(request.args.get("expr", "0")))

        def greet():
            return render_template_string("<p>Hello {{ name }}</p>", name=request.args.get("name", ""))
        """,
    )
