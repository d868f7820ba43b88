from __future__ import annotations

import ast
import re
from typing import Any

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules._function_scan import (
    MUTATING,
    authenticates_caller,
    declares_auth_dependencies,
    route_of,
)

# Routers included into another (FastAPI ``include_router``, Flask ``register_blueprint``), and
# request hooks that run before every route of a blueprint or app (a login check there guards all).
INCLUDES = frozenset({"include_router", "register_blueprint"})
REQUEST_HOOKS = frozenset({"before_request", "before_app_request"})
AUTH_HOOK = re.compile(r"(?i)(login|auth|is_authenticated|current_user|token|jwt|abort\(\s*40[13]|unauthori[sz]ed)")
ROUTERS_FACT = "routers"
ROUTERS_KEY = "__routers__"
PUBLIC_ROUTE = re.compile(
    r"(?i)(login|logout|sign[_-]?(in|up|out)|register|health|ready|live|ping|status|metrics|webhook|callback|"
    r"oauth|public|reset|forgot|recover|verify|confirm|token|docs|openapi|static|favicon)")


# One view module, mounted without and with authentication by the example projects below.
CASE_VIEWS = """
from fastapi import APIRouter

from app.deps import CurrentUser

router = APIRouter()

@router.post("/cases")
def create_case(current_user: CurrentUser, title: str):
    return {}

@router.post("/cases/{case_id}/channel")
def create_case_channel(case_id: int):{marker}
    return {}
"""


class RouteWithoutAuthentication(Rule):
    """
    ## What it does
    Finds web routes that change data (POST, PUT, PATCH, DELETE) with no authentication
    decorator or dependency, in a module where sibling routes do require one
    (`@login_required`, `@jwt_required`, `Depends(get_current_user)`...). Routes whose path or
    name says they are public by design (login, signup, health, webhooks, password reset or
    recovery) are not reported. FastAPI dependencies count where they are declared: on the
    parameters, in the route's `dependencies=[...]`, in the `dependencies` of the router or
    application the module creates, or anywhere up the chain of `include_router` calls (in any
    module of the project) that mounts the module's router; a Flask blueprint or app whose
    `before_request` hook checks the login guards all its routes.

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
        Example(
            CASE_VIEWS.replace("{marker}", "  # error: PG752"),
            path="app/cases/views.py",
            files={"app/api.py": (
                "from fastapi import FastAPI\n"
                "from app.cases.views import router as cases_router\n\n"
                "app = FastAPI()\n"
                "app.include_router(cases_router, prefix='/cases')\n"
            ), "app/__init__.py": "", "app/cases/__init__.py": ""},
        ),
    )
    clean = (
        Example(
            CASE_VIEWS.replace("{marker}", ""),
            path="app/cases/views.py",
            files={"app/api.py": (
                "from fastapi import APIRouter, Depends, FastAPI\n"
                "from app.cases.views import router as cases_router\n"
                "from app.deps import get_current_user\n\n"
                "authenticated = APIRouter(dependencies=[Depends(get_current_user)])\n"
                "organization = APIRouter(prefix='/{organization}')\n"
                "organization.include_router(cases_router, prefix='/cases')\n"
                "authenticated.include_router(organization)\n"
                "app = FastAPI()\n"
                "app.include_router(authenticated)\n"
            ), "app/__init__.py": "", "app/cases/__init__.py": ""},
        ),
        """
        from flask import Blueprint, abort
        from flask_login import current_user, login_required

        bp = Blueprint("admin", __name__)

        @bp.before_request
        def require_staff():
            if not current_user.is_authenticated:
                abort(401)

        @bp.get("/reports")
        @login_required
        def reports():
            return []

        @bp.post("/reports/purge")
        def purge_reports():
            return {}
        """,
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

        @router.post("/users/{user_id}/impersonate", dependencies=[Depends(get_current_active_superuser)])
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
        state = ctx.state()
        found = [r for r in map(route_of, node.decorator_list) if r]
        if found:
            methods = set().union(*(m for _, m in found))
            receiver = next(d.func.value for d in node.decorator_list
                            if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and route_of(d))
            state.setdefault("routes", []).append(
                (node, found[0][0], methods, authenticates_caller(node), _value_name(receiver, ctx)))
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (isinstance(target, ast.Attribute) and target.attr in REQUEST_HOOKS
                    and AUTH_HOOK.search(node.name + " " + ast.unparse(node))):
                _add(state, "auth", _value_name(target.value, ctx))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Call) and declares_auth_dependencies(node.value):
            for target in node.targets:
                _add(ctx.state(), "auth", _value_name(target, ctx))

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in INCLUDES and node.args:
            child, parent = _value_name(node.args[0], ctx), _value_name(func.value, ctx)
            if child and parent:
                ctx.state().setdefault("edges", []).append([child, parent, declares_auth_dependencies(node)])

    def leave_Module(self, node: ast.Module, ctx: FileContext) -> None:
        state = ctx.state()
        authenticated_routers = set(state.get("auth", ()))
        if authenticated_routers or state.get("edges"):
            ctx.publish(ROUTERS_FACT, f"{ctx.module}.{ROUTERS_KEY}",
                        {"auth": sorted(authenticated_routers), "edges": state.get("edges", [])})
        routes = [(function, path, methods, authenticated or router in authenticated_routers, router)
                  for function, path, methods, authenticated, router in state.get("routes", [])]
        if ctx.is_test_file or not any(authenticated for _, _, _, authenticated, _ in routes):
            return
        for function, path, methods, authenticated, router in routes:
            if (methods & MUTATING and not authenticated
                    and not PUBLIC_ROUTE.search(path) and not PUBLIC_ROUTE.search(function.name)):
                column = ctx.column(function.lineno, function.col_offset)
                ctx.report_span(function.lineno, column, function.lineno, column + 4 + len(function.name), route=path,
                                requires=("router", router) if router else None)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        authenticated, parents = _router_graph(index)
        todo, seen = [index.resolve(query[1])], set()
        while todo:
            router = todo.pop()
            if router in authenticated:
                return False
            seen.add(router)
            for parent, with_auth in parents.get(router, ()):
                if with_auth:
                    return False
                if parent not in seen:
                    todo.append(parent)
        return True


def _value_name(expr: ast.expr, ctx: FileContext) -> str | None:
    """The qualified name of a module-level router or app (``router``, ``api.router``, an import)."""
    if isinstance(expr, ast.Name):
        return ctx.qualname(expr) or f"{ctx.module}.{expr.id}"
    return ctx.qualname(expr) if isinstance(expr, ast.Attribute) else None


def _add(state: dict[str, Any], key: str, name: str | None) -> None:
    if name:
        state.setdefault(key, set()).add(name)


def _router_graph(index: ProjectIndex) -> tuple[set[str], dict[str, list[tuple[str, bool]]]]:
    """Routers authenticated where they are made (dependencies, a login hook), and who includes whom."""
    authenticated: set[str] = set()
    parents: dict[str, list[tuple[str, bool]]] = {}
    for module in index.modules.values():
        facts = module.facts.get(ROUTERS_FACT, {}).get(f"{module.module}.{ROUTERS_KEY}")
        if not facts:
            continue
        authenticated.update(index.resolve(name) for name in facts["auth"])
        for child, parent, with_auth in facts["edges"]:
            parents.setdefault(index.resolve(child), []).append((index.resolve(parent), with_auth))
    return authenticated, parents
