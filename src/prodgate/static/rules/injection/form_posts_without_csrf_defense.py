from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules._assignments import AssignmentVisits
from prodgate.static.rules._function_scan import AUTH_DECORATOR, MUTATING, FunctionNode, route_of

FACT = "flask-csrf"
APPS = frozenset({"flask.Flask", "flask.app.Flask"})
ROUTE_OWNERS = APPS | {"flask.Blueprint", "flask.blueprints.Blueprint"}
METHOD_VIEWS = frozenset({"flask.views.MethodView", "flask.views.View"})
# What a browser form submits: fields, fields and query together, uploaded files.
FORM_READS = frozenset({"flask.request.form", "flask.request.values", "flask.request.files"})
# Request parts a hand-written token check reads.
TOKEN_SOURCES = frozenset({
    "flask.request.form", "flask.request.values", "flask.request.headers", "flask.request.cookies",
    "flask.request.args",
})
TOKEN_NAME = re.compile(r"(?i)csrf|xsrf|^x-requested-with$")
SESSION = "flask.session"
LOGIN_CALLS = frozenset({"flask_login.login_user", "flask_login.utils.login_user"})
# Session keys that say who is logged in (``session["user_id"]``, ``session["logged_in"]``).
IDENTITY_KEY = re.compile(r"(?i)user|uid|account|login|logged|auth|member|admin|email|identity|^id$")
# Imports of a CSRF library (Flask-WTF, Flask-SeaSurf, WTForms' CSRF, any ``*csrf*`` module or name).
DEFENSE_IMPORT = re.compile(r"(?i)csrf|seasurf|flask_wtf")
SAMESITE_SETTINGS = frozenset({"SESSION_COOKIE_SAMESITE", "session_cookie_samesite"})
SAMESITE_ON = frozenset({"lax", "strict"})
TALISMAN = frozenset({"flask_talisman.Talisman", "flask_talisman.talisman.Talisman"})


def _samesite_on(value: ast.expr) -> bool:
    """A SameSite setting of Lax or Strict; a value computed at run time is trusted."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and value.value.lower() in SAMESITE_ON
    return True


def _key(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _within(module: str, package: str) -> bool:
    return not package or module == package or module.startswith(package + ".")


class FormPostsWithoutCsrfDefense(AssignmentVisits, Rule):
    """
    ## What it does
    Finds a Flask application that logs users in through its cookie session
    (`session["user_id"] = ...`, Flask-Login's `login_user`) and serves routes that change data
    from a submitted form (a POST, PUT, PATCH or DELETE handler that reads `request.form`,
    `request.values` or `request.files`) while nothing in the project defends those forms
    against cross-site request forgery: no Flask-WTF (`CSRFProtect(app)`, `FlaskForm`), no
    Flask-SeaSurf, no hand-written token check (a read of `request.form["csrf_token"]` or of an
    `X-CSRFToken` or `X-Requested-With` header), and no session cookie with `SameSite` set to
    `Lax` or `Strict` (`SESSION_COOKIE_SAMESITE` in the configuration, or Flask-Talisman, which
    sets it).

    The project is read as a whole: the application is reported once, at its `Flask(...)`
    construction, with routes and logins gathered from every module of its package (blueprints
    included), and the message names the first login and one data-changing route (file and
    line) so the finding can be checked. Applications whose routes take JSON only, or whose
    users authenticate with a header token instead of the session, are not reported. Test files
    are skipped.

    ## Why is this bad
    The browser attaches the session cookie to every request to the application, whichever site
    the request comes from. Flask leaves the cookie's `SameSite` attribute unset, so Firefox and
    Safari send it with a form that another website posts to the application, and Chrome does
    too for two minutes after login. Any page a logged-in user visits can then create, change or
    delete data in their name: post a message, change the account's e-mail address, transfer
    money.

    ## Example
    ```python
    app = Flask(__name__)

    @app.post("/login")
    def login():
        session["user_id"] = check_credentials(request.form)
        return redirect("/")

    @app.post("/email")
    def change_email():
        save_email(session["user_id"], request.form["email"])
        return redirect("/")
    ```

    ## Use instead
    ```python
    from flask_wtf.csrf import CSRFProtect

    app = Flask(__name__)
    CSRFProtect(app)  # every form carries {{ csrf_token() }}; posts without it are refused
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # the cookie stays home on cross-site posts
    ```
    A token check refuses every forged post whatever the browser; `SameSite=Lax` is the second
    line, and the only one when the forms cannot carry a token.

    ## Known limitations
    A defense the code does not show is not seen: a `SameSite` attribute added by a proxy, or a
    setting loaded from a file outside the project (an instance `config.py`, an environment
    variable read by `from_prefixed_env`). Routes are attributed to the application of the
    nearest enclosing package; class-based views count when they subclass Flask's `MethodView`
    or `View`; a form read outside the handler (in a helper it calls) is not followed. Flask-WTF
    with `WTF_CSRF_ENABLED = False` still counts as a defense.

    ## References
    - https://flask.palletsprojects.com/en/latest/web-security/#cross-site-request-forgery-csrf
    - https://flask.palletsprojects.com/en/latest/config/#SESSION_COOKIE_SAMESITE
    - https://owasp.org/www-community/attacks/csrf
    """

    meta = RuleMeta(
        code="PG719",
        name="form-posts-without-csrf-defense",
        category="security.cookie",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.CSRF, cwe.SENSITIVE_COOKIE_WITH_IMPROPER_SAMESITE),
        message="Flask application logs users in through the session cookie ({login}) and changes data from "
                "form posts ({route}) with no CSRF token and no SameSite session cookie, so any other website "
                "can submit those forms as the logged-in user",
        tags=("web", "flask"),
    )

    flagged = (
        """
        from flask import Flask, redirect, request, session
        from flask_login import login_user

        app = Flask(__name__)  # error: PG719

        @app.route("/login", methods=["GET", "POST"])
        def login():
            user = find_user(request.form["email"], request.form["password"])
            login_user(user)
            return redirect("/")

        @app.post("/account/email")
        def change_email():
            update_email(session["_user_id"], request.form["email"])
            return redirect("/account")
        """,
        Example(
            """
            from flask import Flask

            def create_app():
                app = Flask(__name__, instance_relative_config=True)  # error: PG719
                app.config.from_pyfile("config.py", silent=True)
                from . import auth, orders
                app.register_blueprint(auth.bp)
                app.register_blueprint(orders.bp)
                return app
            """,
            path="shop/__init__.py",
            files={
                "shop/auth.py": (
                    "from flask import Blueprint, redirect, request, session\n\n"
                    "bp = Blueprint('auth', __name__)\n\n"
                    "@bp.route('/login', methods=('GET', 'POST'))\n"
                    "def login():\n"
                    "    session['user_id'] = check(request.form['username'], request.form['password'])\n"
                    "    return redirect('/')\n"
                ),
                "shop/orders.py": (
                    "from flask import Blueprint, request\n"
                    "from .auth import login_required\n\n"
                    "bp = Blueprint('orders', __name__)\n\n"
                    "@bp.route('/orders/<int:id>/cancel', methods=('POST',))\n"
                    "@login_required\n"
                    "def cancel(id):\n"
                    "    cancel_order(id, request.form['reason'])\n"
                    "    return ''\n"
                ),
            },
        ),
    )
    clean = (
        """
        from flask import Flask, redirect, request, session
        from flask_wtf.csrf import CSRFProtect

        app = Flask(__name__)
        CSRFProtect(app)

        @app.post("/login")
        def login():
            session["user_id"] = check(request.form["email"], request.form["password"])
            return redirect("/")

        @app.post("/account/email")
        def change_email():
            update_email(session["user_id"], request.form["email"])
            return redirect("/account")
        """,
        """
        from flask import Flask, request, session

        app = Flask(__name__)

        @app.post("/login")
        def login():
            body = request.get_json()
            session["user_id"] = check(body["email"], body["password"])
            return {"ok": True}

        @app.post("/notes")
        def create_note():
            return save_note(session["user_id"], request.get_json())
        """,
        """
        from flask import Flask, g, request

        api = Flask(__name__)

        @api.before_request
        def authenticate():
            g.client = client_for_token(request.headers.get("Authorization", ""))

        @api.post("/uploads")
        def upload():
            return store(g.client, request.form["name"], request.files["file"])
        """,
        """
        from flask import Flask, abort, redirect, request, session

        app = Flask(__name__)

        @app.before_request
        def check_token():
            if request.method == "POST" and request.form.get("csrf_token") != session.get("csrf_token"):
                abort(400)

        @app.post("/login")
        def login():
            session["user_id"] = check(request.form["email"], request.form["password"])
            return redirect("/")

        @app.post("/posts")
        def create_post():
            save_post(session["user_id"], request.form["body"])
            return redirect("/")
        """,
        Example(
            """
            from flask import Flask

            from config import Config

            def create_app():
                app = Flask(__name__)
                app.config.from_object(Config)
                from . import views
                app.register_blueprint(views.bp)
                return app
            """,
            path="blog/__init__.py",
            files={
                "config.py": "class Config:\n    SESSION_COOKIE_SAMESITE = 'Lax'\n",
                "blog/views.py": (
                    "from flask import Blueprint, request, session\n\n"
                    "bp = Blueprint('views', __name__)\n\n"
                    "@bp.post('/login')\n"
                    "def login():\n"
                    "    session['user_id'] = check(request.form['name'], request.form['password'])\n"
                    "    return ''\n\n"
                    "@bp.post('/posts')\n"
                    "def create_post():\n"
                    "    save_post(session['user_id'], request.form['body'])\n"
                    "    return ''\n"
                ),
            },
        ),
        Example(
            """
            from flask import Flask, request, session

            def test_login_keeps_user_in_session(client):
                app = Flask(__name__)

                @app.post("/login")
                def login():
                    session["user_id"] = request.form["user"]
                    return ""
            """,
            path="tests/test_auth.py",
        ),
    )

    # -- phase one: what this module holds ---------------------------------------------------

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name in APPS and not ctx.is_test_file:
            ctx.state().setdefault("apps", []).append(node.lineno)
            ctx.report(node, login="", route="", requires=(ctx.module, str(node.lineno)))
        elif name in LOGIN_CALLS:
            self._login(node, ctx)
        elif name in TALISMAN and ctx.keyword(node, "session_cookie_samesite") is None:
            ctx.state()["defense"] = True  # Talisman sets SameSite=Lax unless told otherwise
        if any(k.arg in SAMESITE_SETTINGS and _samesite_on(k.value) for k in node.keywords):
            ctx.state()["defense"] = True
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr in ("get", "getlist") and node.args
                and TOKEN_NAME.search(_key(node.args[0])) and ctx.qualname(func.value) in TOKEN_SOURCES):
            ctx.state()["defense"] = True

    def visit_Dict(self, node: ast.Dict, ctx: FileContext) -> None:
        if any(key is not None and _key(key) in SAMESITE_SETTINGS and _samesite_on(value)
               for key, value in zip(node.keys, node.values)):
            ctx.state()["defense"] = True

    def visit_Subscript(self, node: ast.Subscript, ctx: FileContext) -> None:
        if TOKEN_NAME.search(_key(node.slice)) and ctx.qualname(node.value) in TOKEN_SOURCES:
            ctx.state()["defense"] = True

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if node.attr in ("form", "values", "files") and ctx.qualname(node) in FORM_READS:
            function = ctx.function()
            if function is not None:
                ctx.state().setdefault("form-readers", set()).add(id(function))

    def visit_Import(self, node: ast.Import | ast.ImportFrom, ctx: FileContext) -> None:
        module = getattr(node, "module", None) or ""
        if any(DEFENSE_IMPORT.search(name) for name in (module, *(alias.name for alias in node.names))):
            ctx.state()["defense"] = True

    visit_ImportFrom = visit_Import

    def visit_FunctionDef(self, node: FunctionNode, ctx: FileContext) -> None:
        if TOKEN_NAME.search(node.name):
            ctx.state()["defense"] = True  # a hand-written `csrf_protect`, `generate_csrf_token`...
        route = self._route(node, ctx)
        if route is not None:
            ctx.state().setdefault("routes", {})[id(node)] = route

    visit_AsyncFunctionDef = visit_FunctionDef

    def leave_Module(self, node: ast.Module, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        state = ctx.state()
        if state.get("defense"):
            ctx.publish(FACT, f"{ctx.module}.defense", True)
        logins: dict[int, int] = state.get("logins", {})
        if logins:
            ctx.publish(FACT, f"{ctx.module}.logins", sorted(logins.values()))
        readers = state.get("form-readers", set())
        routes = [
            [line, path, 2 if key in logins else rank, receiver]
            for key, (line, path, rank, receiver) in state.get("routes", {}).items() if key in readers
        ]
        if routes:
            ctx.publish(FACT, f"{ctx.module}.routes", sorted(routes))
        if state.get("apps"):
            ctx.publish(FACT, f"{ctx.module}.apps", sorted(state["apps"]))

    def assignment(self, target: ast.expr, value: ast.expr, statement: ast.stmt, ctx: FileContext) -> None:
        if isinstance(target, ast.Subscript):
            if ctx.qualname(target.value) == SESSION and IDENTITY_KEY.search(_key(target.slice)):
                self._login(statement, ctx)
            elif _key(target.slice) in SAMESITE_SETTINGS and _samesite_on(value):
                ctx.state()["defense"] = True
        elif isinstance(target, (ast.Name, ast.Attribute)):
            name = target.id if isinstance(target, ast.Name) else target.attr
            if name in SAMESITE_SETTINGS and _samesite_on(value):
                ctx.state()["defense"] = True

    @staticmethod
    def _login(node: ast.AST, ctx: FileContext) -> None:
        """Record a line that logs a user in, once per function (the first)."""
        function = ctx.function()
        ctx.state().setdefault("logins", {}).setdefault(id(function), getattr(node, "lineno", 1))

    @staticmethod
    def _route(node: FunctionNode, ctx: FileContext) -> tuple[int, str, int, str] | None:
        """``(line, shown path, rank, receiver)`` of a Flask handler serving a data-changing method.

        The rank orders the routes a message may name: 0 behind an authentication decorator
        (the forged post acts as the user), 1 otherwise (2, set later, for the login itself).
        The receiver is empty when the file shows it is a Flask app or blueprint, else its
        qualified name, for the project phase to look up."""
        rank = 0 if any(route_of(d) is None and AUTH_DECORATOR.search(ast.unparse(d))
                        for d in node.decorator_list) else 1
        for decorator in node.decorator_list:
            found = route_of(decorator)
            if found is None or not found[1] & MUTATING:
                continue
            assert isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            receiver = decorator.func.value
            if ctx.constructor_name(receiver) in ROUTE_OWNERS:
                return node.lineno, f"`{found[0]}`", rank, ""
            qualname = ctx.qualname(receiver)
            if qualname is not None:
                return node.lineno, f"`{found[0]}`", rank, qualname
        cls = ctx.enclosing(ast.ClassDef)
        if (node.name.upper() in MUTATING and isinstance(cls, ast.ClassDef) and ctx.parent() is cls
                and any(ctx.qualname(base) in METHOD_VIEWS for base in cls.bases)):
            return node.lineno, f"`{cls.name}.{node.name}`", rank, ""
        return None

    # -- phase two: the application's package, across the project ----------------------------

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool | str:
        module, line = query[0], int(query[1])
        facts = {name: summary.facts.get(FACT, {}) for name, summary in index.modules.items()}
        if any(found.get(f"{name}.defense") for name, found in facts.items()):
            return False
        packages = {name: self._package(name, index) for name, found in facts.items() if found.get(f"{name}.apps")}
        package = packages.get(module)
        if package is None:
            return False  # another file of the same module name holds the index entry
        first = min((index.modules[name].path, found[f"{name}.apps"][0]) for name, found in facts.items()
                    if name in packages and packages[name] == package)
        if first != (index.modules[module].path, line):
            return False  # one application per package: reported once

        def owned(name: str) -> bool:
            owners = [p for p in packages.values() if _within(name, p)]
            return _within(name, package) and max(owners, key=len) == package

        logins: list[tuple[str, int]] = []
        routes: list[tuple[int, str, int, str]] = []
        for name, found in facts.items():
            if not owned(name):
                continue
            path = index.modules[name].path
            logins += [(path, at) for at in found.get(f"{name}.logins", [])]
            routes += [(rank, path, at, shown) for at, shown, rank, receiver in found.get(f"{name}.routes", [])
                       if self._serves(receiver, index)]
        if not logins or not routes:
            return False
        login_path, login_line = min(logins)
        _, route_path, route_line, shown = min(routes)
        return self.meta.message.format(login=f"{login_path}:{login_line}",
                                        route=f"{shown} in {route_path}:{route_line}")

    @staticmethod
    def _package(module: str, index: ProjectIndex) -> str:
        return module if index.modules[module].is_package else module.rpartition(".")[0]

    @staticmethod
    def _serves(receiver: str, index: ProjectIndex) -> bool:
        """The route's receiver is a Flask app or blueprint (known in its file, or defined in another module)."""
        if not receiver:
            return True
        value = index.value(receiver)
        return value is not None and value.constructor in ROUTE_OWNERS
