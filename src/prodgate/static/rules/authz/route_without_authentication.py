from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import AUTH_DECORATOR, MUTATING, route_of

AUTH_DEPENDENCY = re.compile(r"(?i)(current_?user|authenticate|auth|token|login|verify|require)")
# Parameter names that hold the caller (``current_user: CurrentUser``, ``token: TokenDep``); a body
# model whose class name says token (``uses: CreateInviteToken``) is not the caller.
CALLER_PARAMETER = re.compile(r"(?i)(user|auth|token|principal|identity|caller)")
PUBLIC_ROUTE = re.compile(
    r"(?i)(login|logout|sign[_-]?(in|up|out)|register|health|ready|live|ping|status|metrics|webhook|callback|"
    r"oauth|public|reset|forgot|recover|verify|confirm|token|docs|openapi|static|favicon)")


class RouteWithoutAuthentication(Rule):
    """
    ## What it does
    Finds web routes that change data (POST, PUT, PATCH, DELETE) with no authentication
    decorator or dependency, in a module where sibling routes do require one
    (`@login_required`, `@jwt_required`, `Depends(get_current_user)`...). Routes whose path or
    name says they are public by design (login, signup, health, webhooks, password reset or
    recovery) are not reported. FastAPI dependencies count where they are declared: on the
    parameters, in the route's `dependencies=[...]`, or in the `dependencies` of the router or
    application the module creates.

    ## Why is this bad
    When most handlers check the caller and one does not, the one that does not is usually an
    oversight: generated code adds the decorator where the prompt mentioned it and forgets the
    new endpoint. Anyone on the internet can then call it.

    ## Example
    ```python
    @app.post("/orders/<order_id>/refund")
    def refund(order_id): ...
    ```

    ## Use instead
    ```python
    @app.post("/orders/<order_id>/refund")
    @login_required
    def refund(order_id): ...
    ```

    ## Known limitations
    Authentication enforced by middleware or `before_request` hooks is invisible to the rule;
    it only compares a route with its siblings in the same module. Test files are not checked:
    the views a test defines for its test client are served to no one.
    """

    meta = RuleMeta(
        code="PG752",
        name="route-without-authentication",
        category="security.authz",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.MISSING_AUTHENTICATION, cwe.MISSING_AUTHORIZATION),
        message="route `{route}` changes data without authentication while its sibling routes require it, so anyone can call it",
        tags=("auth", "web"),
    )

    flagged = (
        """
        from flask import Flask
        from flask_login import login_required

        app = Flask(__name__)

        @app.get("/orders")
        @login_required
        def list_orders():
            return []

        @app.post("/orders")
        @login_required
        def create_order():
            return {}

        @app.route("/orders/<order_id>/refund", methods=["POST"])
        def refund(order_id):  # error: PG752
            return {}
        """,
        """
        from fastapi import APIRouter

        from app.api.deps import CurrentUser, SessionDep

        router = APIRouter(prefix="/items")

        @router.post("/")
        def create_item(session: SessionDep, current_user: CurrentUser, title: str):
            return {}

        @router.delete("/{item_id}")
        def delete_item(session: SessionDep, item_id: int):  # error: PG752
            return {}
        """,
    )
    clean = (
        """
        from fastapi import APIRouter

        from app.schema import CreateInviteToken, EmailInvitation

        router = APIRouter(prefix="/invitations")

        @router.post("")
        def create_invite_token(uses: CreateInviteToken):
            return {}

        @router.post("/email")
        def email_invitation(invite: EmailInvitation):
            return {}
        """,
        """
        from unittest import mock
        from flask import Flask
        from flask_login import login_required

        app = Flask(__name__)

        @app.post("/reports")
        @login_required
        def create_report():
            return {}

        @mock.patch("builtins.input", return_value="y")
        @mock.patch("app.reports.delete_all")
        def purge_after_prompt(delete_all, prompt):
            return delete_all()
        """,
        Example(
            """
            from flask import Flask
            from flask_login import login_required

            def test_protected_and_open_routes(client):
                app = Flask(__name__)

                @app.post("/private")
                @login_required
                def private():
                    return "secret"

                @app.post("/echo")
                def echo():
                    return "ok"
            """,
            path="tests/test_auth.py",
        ),
        """
        from fastapi import APIRouter, Depends

        router = APIRouter()

        def get_current_user():
            return None

        @router.get("/orders")
        def list_orders(user=Depends(get_current_user)):
            return []

        @router.delete("/orders/{order_id}")
        def delete_order(order_id: int, user=Depends(get_current_user)):
            return {}

        @router.post("/login")
        def login():
            return {}

        @router.post("/password-recovery/{email}")
        def recover_password(email: str):
            return {}

        @router.post("/users/{user_id}/impersonate", dependencies=[Depends(get_current_user)])
        def impersonate(user_id: int):
            return {}

        admin = APIRouter(prefix="/admin", dependencies=[Depends(get_current_user)])

        @admin.post("/purge")
        def purge():
            return {}

        @router.post("/webhooks/stripe")
        def stripe_webhook():
            return {}
        """,
    )

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> None:
        found = [r for r in map(route_of, node.decorator_list) if r]
        if found:
            methods = set().union(*(m for _, m in found))
            ctx.state().setdefault("routes", []).append((node, found[0][0], methods, self._authenticated(node, ctx)))

    visit_AsyncFunctionDef = visit_FunctionDef

    def leave_Module(self, node: ast.Module, ctx: FileContext) -> None:
        routes = ctx.state().get("routes", [])
        if ctx.is_test_file or not any(authenticated for *_, authenticated in routes):
            return
        for function, path, methods, authenticated in routes:
            if (methods & MUTATING and not authenticated
                    and not PUBLIC_ROUTE.search(path) and not PUBLIC_ROUTE.search(function.name)):
                column = ctx.column(function.lineno, function.col_offset)
                ctx.report_span(function.lineno, column, function.lineno, column + 4 + len(function.name), route=path)

    @staticmethod
    def _authenticated(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
        for decorator in function.decorator_list:
            if route_of(decorator) is None:
                if AUTH_DECORATOR.search(ast.unparse(decorator)):
                    return True
            elif isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and any(
                    _auth_dependencies(call) for call in (decorator, ctx.constructor(decorator.func.value)) if call):
                return True
        args = function.args
        for default in [*args.defaults, *args.kw_defaults]:
            if isinstance(default, ast.Call) and "Depends" in ast.unparse(default.func) and AUTH_DEPENDENCY.search(ast.unparse(default)):
                return True
        return any(_authenticating_annotation(a) for a in [*args.args, *args.kwonlyargs])


def _authenticating_annotation(arg: ast.arg) -> bool:
    """``Annotated[User, Depends(get_current_user)]``, or an alias of one named for the caller."""
    if arg.annotation is None:
        return False
    text = ast.unparse(arg.annotation)
    if "Depends(" in text or "Security(" in text:
        return bool(AUTH_DEPENDENCY.search(text))
    return bool(AUTH_DEPENDENCY.search(text) and CALLER_PARAMETER.search(arg.arg))


def _auth_dependencies(call: ast.Call) -> bool:
    """A route decorator or a router/app constructor declares an authenticating ``dependencies=[...]``."""
    dependencies = FileContext.keyword(call, "dependencies")
    return dependencies is not None and bool(AUTH_DEPENDENCY.search(ast.unparse(dependencies.value)))
