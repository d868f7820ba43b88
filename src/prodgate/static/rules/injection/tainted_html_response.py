from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedHtmlResponse(TaintRule):
    """
    ## What it does
    Finds untrusted input returned as the body of a web response (a view's return value,
    `make_response`, `HttpResponse`, `Markup`) without HTML escaping.

    ## Why is this bad
    Script in the response runs with the site's origin: session theft, actions on the user's
    behalf, credential phishing on a trusted domain.

    ## Example
    ```python
    return f"<h1>Results for {request.args['q']}</h1>"
    ```

    ## Use instead
    ```python
    return render_template("results.html", query=request.args["q"])
    ```
    Autoescaping templates, or `markupsafe.escape` for hand-built HTML. A dict or list a view
    returns is sent as JSON, and a route variable converted to a number (`<int:page>`) carries no
    markup: neither is reported.

    ## Known limitations
    Test files are not checked (as for every taint rule): the views a test suite defines echo
    the test's own data to its test client.
    """

    meta = RuleMeta(
        code="PG710",
        name="tainted-html-response",
        category="security.xss",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.XSS,),
        message="untrusted {source} is written into the {sink} without HTML escaping, so an attacker can run script in users' browsers",
        tags=("taint",),
    )
    sink = "xss"

    flagged = (
        """
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/search")
        def search():
            query = request.args.get("q", "")
            html = f"<h1>Results for {query}</h1>"
            return html  # error: PG710
        """,
    )
    clean = (
        """
        from flask import Flask, request, render_template
        from markupsafe import escape

        app = Flask(__name__)

        @app.route("/search")
        def search():
            query = request.args.get("q", "")
            return f"<h1>Results for {escape(query)}</h1>"

        @app.route("/results")
        def results():
            return render_template("results.html", query=request.args.get("q", ""))

        @app.route("/page/<int:page>")
        def page(page):
            return f"<h1>Page {page}</h1>"

        @app.route("/api/search")
        def api_search():
            return {"query": request.args.get("q", "")}
        """,
        Example(
            """
            from flask import Flask, request

            def test_query_string_reaches_the_view():
                app = Flask(__name__)

                @app.route("/echo")
                def echo():
                    return request.args["q"]

                assert app.test_client().get("/echo?q=x").text == "x"
            """,
            path="tests/test_views.py",
        ),
    )
