from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import is_constant, keyword_is

FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin"})
CORS_MIDDLEWARES = frozenset({
    "starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware",
})
DJANGO_ALLOW_ALL = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")
WILDCARD_REGEXES = frozenset({".*", "^.*$", ".+", "^.+$", "https?://.*", "https://.*"})


def _is_wildcard(node: ast.expr | None) -> bool:
    """``"*"`` or ``["*"]`` (any literal collection holding it)."""
    if is_constant(node, "*"):
        return True
    return isinstance(node, (ast.List, ast.Tuple, ast.Set)) and any(is_constant(e, "*") for e in node.elts)


def _header(target: ast.expr) -> str:
    """The header a ``headers["..."] = ...`` or ``response["..."] = ...`` assignment sets, lower-cased."""
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        value = target.slice.value
        return value.lower() if isinstance(value, str) else ""
    return ""


class WildcardCorsWithCredentials(Rule):
    """
    ## What it does
    Finds CORS configured to accept any origin while allowing credentials: `flask_cors.CORS` or
    `cross_origin` with `supports_credentials=True` and no origin list (or `"*"`),
    Starlette/FastAPI `CORSMiddleware` with `allow_origins=["*"]` (or a match-all regex) and
    `allow_credentials=True`, django-cors-headers settings `CORS_ALLOW_ALL_ORIGINS = True` with
    `CORS_ALLOW_CREDENTIALS = True`, and hand-written `Access-Control-Allow-Credentials: true`
    responses whose `Access-Control-Allow-Origin` is `*` or the caller's own `Origin` header.

    ## Why is this bad
    Browsers refuse the literal combination, so these libraries make it "work" by echoing the
    caller's `Origin` back. Any web page the user visits can then call the API with the user's
    cookies and read the answer: account data, payment methods and CSRF tokens leak to any
    site, and state-changing requests succeed cross-site.

    ## Example
    ```python
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    ```

    ## Use instead
    ```python
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://dashboard.acmepay.com"],
        allow_credentials=True,
    )
    ```
    List the exact origins that need credentials; keep `"*"` only for public, cookie-less APIs.

    ## Known limitations
    Origin lists read from settings or the environment are trusted. A reflected origin is
    recognised only when the `Origin` request header is written back in the same function.
    Test files are not checked: a test of the CORS middleware configures every combination on
    purpose, and no browser of a user ever reaches it.

    ## References
    - https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#credentialed_requests_and_wildcards
    - https://portswigger.net/web-security/cors
    """

    meta = RuleMeta(
        code="PG603",
        name="wildcard-cors-with-credentials",
        category="security.config",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.PERMISSIVE_CROSS_DOMAIN_POLICY, cwe.INSECURE_PERMISSIONS),
        message="{what} accepts every origin with credentials, so any web site can make authenticated "
                "requests as the user and read the responses",
        tags=("cors", "web"),
    )

    flagged = (
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI(title="orders")
        app.add_middleware(
            CORSMiddleware,  # error: PG603
            allow_origins=["*"],
            allow_credentials=True,
            allow_methods=["*"],
        )
        """,
        """
        from flask import Flask
        from flask_cors import CORS

        def create_app():
            app = Flask(__name__)
            CORS(app, supports_credentials=True)  # error: PG603
            CORS(app, resources={r"/api/*": {"origins": "*"}}, supports_credentials=True)  # error: PG603
            return app
        """,
        """
        from flask import Flask, Response

        def create_app():
            app = Flask(__name__)

            @app.after_request
            def add_cors_headers(response: Response) -> Response:
                response.headers["Access-Control-Allow-Origin"] = "*"
                response.headers["Access-Control-Allow-Credentials"] = "true"  # error: PG603
                return response

            return app
        """,
        """
        from flask import request

        def allow_dashboard(response):
            response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "")
            response.headers["Access-Control-Allow-Credentials"] = "true"  # error: PG603
            return response
        """,
        """
        INSTALLED_APPS = ["corsheaders"]
        CORS_ALLOW_ALL_ORIGINS = True  # error: PG603
        CORS_ALLOW_CREDENTIALS = True
        """,
    )
    clean = (
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from flask_cors import CORS

        app = FastAPI(title="orders")
        app.add_middleware(CORSMiddleware, allow_origins=["https://dashboard.acmepay.com"], allow_credentials=True)
        app.add_middleware(CORSMiddleware, allow_origins=["*"])

        def setup(flask_app, origins):
            CORS(flask_app, origins=origins, supports_credentials=True)
            CORS(flask_app, resources={r"/public/*": {"origins": "*"}})
            CORS(flask_app, resources={r"/api/*": {"origins": origins}}, supports_credentials=True)
        """,
        """
        CORS_ALLOW_ALL_ORIGINS = True
        CORS_ALLOW_CREDENTIALS = False
        """,
        """
        def add_cors_headers(response):
            response.headers["Access-Control-Allow-Origin"] = "https://dashboard.acmepay.com"
            response.headers["Access-Control-Allow-Credentials"] = "true"
            return response
        """,
        Example(
            """
            from starlette.applications import Starlette
            from starlette.middleware import Middleware
            from starlette.middleware.cors import CORSMiddleware
            from starlette.testclient import TestClient

            def test_credentialed_wildcard_echoes_the_origin():
                app = Starlette(middleware=[
                    Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True),
                ])
                response = TestClient(app).get("/", headers={"Origin": "https://example.org"})
                assert response.headers["access-control-allow-origin"] == "https://example.org"
            """,
            path="tests/middleware/test_cors.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        name = ctx.call_name(node)
        if name in FLASK_CORS:
            if keyword_is(node, "supports_credentials", True) and not ctx.has_splat(node) and self._any_origin(node):
                ctx.report(node, what=f"`{ast.unparse(node.func)}`")
            return
        middleware = next((a for a in node.args if ctx.qualname(a) in CORS_MIDDLEWARES), None)
        if name in CORS_MIDDLEWARES:
            middleware = node
        if middleware is None or not keyword_is(node, "allow_credentials", True):
            return
        origins = ctx.keyword(node, "allow_origins")
        regex = ctx.keyword(node, "allow_origin_regex")
        if (origins is not None and _is_wildcard(origins.value)) or (
                regex is not None and isinstance(regex.value, ast.Constant) and regex.value.value in WILDCARD_REGEXES):
            ctx.report(middleware, what="`CORSMiddleware`")

    def visit_Module(self, node: ast.Module, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        settings: dict[str, ast.Assign] = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name) and target.id.startswith("CORS_"):
                    settings[target.id] = statement
        credentials = settings.get("CORS_ALLOW_CREDENTIALS")
        if credentials is None or not is_constant(credentials.value, True):
            return
        for name in DJANGO_ALLOW_ALL:
            allow_all = settings.get(name)
            if allow_all is not None and is_constant(allow_all.value, True):
                ctx.report(allow_all, what=f"`{name}`")

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        state = ctx.state()
        if "mentions" not in state:
            state["mentions"] = "access-control-allow-credentials" in ctx.text.lower()
        if not state["mentions"]:
            return
        credentials: ast.Assign | None = None
        permissive = False
        for statement in node.body:
            if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
                continue
            header = _header(statement.targets[0])
            if header == "access-control-allow-credentials" and is_constant(statement.value, "true"):
                credentials = statement
            elif header == "access-control-allow-origin":
                permissive = is_constant(statement.value, "*") or self._reflects_origin(statement.value)
        if credentials is not None and permissive:
            ctx.report(credentials, what="this response's `Access-Control-Allow-Origin`")

    visit_AsyncFunctionDef = visit_FunctionDef

    @staticmethod
    def _any_origin(node: ast.Call) -> bool:
        """flask-cors accepts every origin: no ``origins``/``resources``, ``"*"``, or a resource allowing ``"*"``."""
        origins = FileContext.keyword(node, "origins")
        resources = FileContext.keyword(node, "resources")
        if origins is not None:
            return _is_wildcard(origins.value)
        if resources is None:
            return True
        options = resources.value.values if isinstance(resources.value, ast.Dict) else []
        return any(
            isinstance(option, ast.Dict) and any(
                is_constant(key, "origins") and _is_wildcard(value) for key, value in zip(option.keys, option.values, strict=True))
            for option in options)

    @staticmethod
    def _reflects_origin(value: ast.expr) -> bool:
        return any(is_constant(n, "Origin") or is_constant(n, "HTTP_ORIGIN") for n in ast.walk(value))
