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
    markup: neither is reported. A FastAPI route sends what it returns as JSON unless it names
    another `response_class` (`HTMLResponse`), and its `Depends(...)` parameters (the database
    session, the logged-in user) are the application's objects, not request data.

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
        """
        from fastapi import APIRouter
        from fastapi.responses import HTMLResponse

        router = APIRouter(prefix="/pages")

        @router.get("/greeting", response_class=HTMLResponse)
        def greeting(name: str):
            return f"<h1>Hello {name}</h1>"  # error: PG710
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
        """
        from typing import Annotated

        from fastapi import APIRouter, Depends
        from sqlmodel import Session

        from app.core.db import get_db, get_current_user
        from app.models import User

        router = APIRouter(prefix="/users")
        SessionDep = Annotated[Session, Depends(get_db)]

        @router.get("/search")
        def search(q: str):
            return f"<h1>Results for {q}</h1>"

        @router.get("/{user_id}")
        def read_user(user_id: str, session: SessionDep, viewer: User = Depends(get_current_user)):
            if not viewer.is_superuser:
                return viewer
            return session.get(User, user_id)
        """,
        """
        from app.routes.routers import UserAPIRouter
        from app.schema import CommentOut

        router = UserAPIRouter()

        @router.get("/{slug}/comments", response_model=list[CommentOut])
        async def get_recipe_comments(slug: str):
            return f"comments of {slug}"
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
