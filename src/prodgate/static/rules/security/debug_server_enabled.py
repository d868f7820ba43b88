from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import in_main_guard, is_web_app, keyword_is

RUN_SIMPLE = frozenset({"werkzeug.serving.run_simple", "werkzeug.run_simple"})


class DebugServerEnabled(Rule):
    """
    ## What it does
    Finds a Flask (or Quart, Sanic) application started with `app.run(debug=True)`, and
    Werkzeug's `run_simple(..., use_debugger=True)` or `use_evalex=True`.

    ## Why is this bad
    Debug mode turns on the Werkzeug interactive debugger: any exception renders a page with
    a Python console that runs arbitrary code on the server, guarded only by a PIN that is
    derived from guessable machine data. It also leaks source code, settings and secrets in
    tracebacks, and the reloader doubles every worker. Code written to "just run" is shipped
    with `python app.py` as the container command surprisingly often, and then the debugger is
    exposed in production.

    ## Example
    ```python
    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=8000, debug=True)
    ```

    ## Use instead
    ```python
    if __name__ == "__main__":
        app.run(port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    Serve production traffic with gunicorn or uwsgi, and enable debug mode only through the
    environment (`flask --app payments run --debug`) on a developer's machine.

    ## Known limitations
    A call inside `if __name__ == "__main__":` is reported with low confidence: it only runs
    when the module is started as a script. Debug mode switched on through
    `app.config["DEBUG"] = True` or `FLASK_DEBUG` is not reported. Test files are not checked:
    a test that starts the debug server (usually with `run_simple` patched out) serves no one.

    ## References
    - https://flask.palletsprojects.com/en/latest/debugging/
    - https://werkzeug.palletsprojects.com/en/latest/debug/
    """

    meta = RuleMeta(
        code="PG601",
        name="debug-server-enabled",
        category="security.config",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.ACTIVE_DEBUG_CODE,),
        message="`{call}` enables the interactive debugger, so any error page gives remote code execution "
                "on the server",
        tags=("flask", "werkzeug"),
    )

    flagged = (
        """
        import logging
        from flask import Flask

        app = Flask(__name__)

        def main():
            logging.basicConfig(level=logging.INFO)
            app.run(debug=True, host="0.0.0.0", port=8000)  # error: PG601
        """,
        """
        from werkzeug.serving import run_simple
        from payments.wsgi import application

        run_simple("0.0.0.0", 8000, application, use_reloader=True, use_debugger=True)  # error: PG601
        """,
        """
        from payments import create_app

        app = create_app()

        if __name__ == "__main__":
            app.run(debug=True)  # error: PG601
        """,
    )
    clean = (
        Example(
            """
            from flask import Flask

            def test_run_passes_debug_to_werkzeug(monkeypatch):
                app = Flask(__name__)
                monkeypatch.setattr("werkzeug.serving.run_simple", lambda *args, **kwargs: None)
                app.run(debug=True)
            """,
            path="tests/test_cli.py",
        ),
        """
        import os
        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run(port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")
        """,
        """
        import asyncio

        def start(loop: asyncio.AbstractEventLoop, job):
            loop.run(job, debug=True)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "run":
            if not keyword_is(node, "debug", True) or not is_web_app(func.value, ctx):
                return
        elif ctx.call_name(node) in RUN_SIMPLE:
            if not (keyword_is(node, "use_debugger", True) or keyword_is(node, "use_evalex", True)):
                return
        else:
            return
        confidence = Confidence.LOW if in_main_guard(ctx) else None
        ctx.report(node, call=ast.unparse(func), confidence=confidence)
