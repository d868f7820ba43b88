from __future__ import annotations

import ast
import re

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.nodes import name_of
from prodgate.static.rules._assignments import AssignmentVisits
from prodgate.static.rules.secrets._detect import literal_secret
from prodgate.static.rules.security._helpers import (
    NON_PRODUCTION_PARTS,
    is_constant,
    is_web_app,
    production_settings,
    publish_setting,
    publish_star_import,
    set_safely_downstream,
    snake,
)

# Configuration keys whose value signs what the application later trusts, and what it signs.
SIGNING_SETTINGS = {
    "SECRET_KEY": "session cookies and signed tokens",
    "WTF_CSRF_SECRET_KEY": "CSRF tokens",
    "JWT_SECRET_KEY": "access tokens",
}
# Methods of a Flask config that take settings as keywords or a mapping.
CONFIG_SETTERS = frozenset({"update", "from_mapping"})
# Environment reads (django-environ's by the method of an ``environ.Env()``), and the position of their default.
ENVIRONMENT_READS = {
    "os.environ.get": 1, "os.getenv": 1, "os.environ.setdefault": 1, "decouple.config": 1,
    "environ.Env": 2, "environ.Env.str": 1,
}
ENV_READER = "environ.Env"
SESSION_MIDDLEWARE = "starlette.middleware.sessions.SessionMiddleware"
ITSDANGEROUS_SIGNERS = frozenset({
    "Signer", "TimestampSigner", "Serializer", "TimedSerializer", "URLSafeSerializer", "URLSafeTimedSerializer",
    "JSONWebSignatureSerializer", "TimedJSONWebSignatureSerializer",
})
JWT_CODECS = frozenset({"jwt.encode", "jwt.decode", "jose.jwt.encode", "jose.jwt.decode"})
CONFIG_CLASS = re.compile(r"(Config|Configuration|Settings)$")
FALLBACK = "falls back to a string literal when the environment does not set it"
LITERAL = "is a string literal"

Found = tuple[ast.Constant, ast.AST, bool]  # the literal, its parent, whether it is an environment fallback


def _filled(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and bool(node.value.strip())


def _environment_read(call: ast.Call, ctx: FileContext) -> str | None:
    """The name of the environment read ``call`` makes (``os.getenv``, ``environ.Env.str``), if it is one."""
    name = ctx.call_name(call)
    if name is None:
        func = call.func
        if ctx.constructor_name(func) == ENV_READER:
            name = ENV_READER
        elif isinstance(func, ast.Attribute) and ctx.constructor_name(func.value) == ENV_READER:
            name = f"{ENV_READER}.{func.attr}"
    return name if name in ENVIRONMENT_READS else None


def _environment_default(call: ast.Call, ctx: FileContext) -> tuple[ast.expr, ast.AST] | None:
    """The default of an environment read (``os.environ.get("SECRET_KEY", "dev")``) and its parent."""
    name = _environment_read(call, ctx)
    if name is None:
        return None
    keyword = ctx.keyword(call, "default")
    if keyword is not None:
        return keyword.value, keyword
    position = ENVIRONMENT_READS[name]
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[position], call
    return None


def _literal(value: ast.expr | None, parent: ast.AST, ctx: FileContext) -> Found | None:
    """The non-empty literal ``value`` (a child of ``parent``) evaluates to: itself, the default of an
    environment read, or the last operand of ``os.environ.get(...) or "..."``."""
    if value is None:
        return None
    if isinstance(value, ast.Constant):
        return (value, parent, False) if _filled(value) else None
    if isinstance(value, ast.Call):
        default = _environment_default(value, ctx)
        if default is not None and isinstance(default[0], ast.Constant) and _filled(default[0]):
            return default[0], default[1], True
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        *first, last = value.values
        if isinstance(last, ast.Constant) and _filled(last) and any(
                isinstance(v, ast.Call) and _environment_read(v, ctx) is not None for v in first):
            return last, value, True
    return None


def _assigned(statement: ast.stmt, name: str) -> ast.expr | None:
    if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets):
        return statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.target.id == name:
        return statement.value
    return None


def _production_config_class(cls: ast.ClassDef) -> bool:
    """A configuration class (``Config``, ``ProductionConfig(Config)``, ``Settings(BaseSettings)``)
    whose name does not mark it as development or test configuration."""
    named = any(CONFIG_CLASS.search(name) for name in (cls.name, *map(name_of, cls.bases)))
    return named and not set(snake(cls.name).split("_")) & NON_PRODUCTION_PARTS


def _overridden_safely(cls: ast.ClassDef, name: str, ctx: FileContext) -> bool:
    """A subclass in the module (``ProductionConfig(Config)``) sets ``name`` without a literal."""
    for other in ctx.tree.body:
        if isinstance(other, ast.ClassDef) and any(name_of(base) == cls.name for base in other.bases):
            for statement in other.body:
                value = _assigned(statement, name)
                if value is not None and _literal(value, statement, ctx) is None:
                    return True
    return False


class GuessableSigningKey(AssignmentVisits, Rule):
    """
    ## What it does
    Finds the signing key of a web framework or token library set to a string literal, directly
    or as the fallback of an environment lookup (`os.environ.get("SECRET_KEY", "dev")`,
    `os.getenv(...) or "dev"`, `config("SECRET_KEY", default=...)`).

    The keys it knows:

    - Flask: `app.secret_key = ...`, `app.config["SECRET_KEY"] = ...`,
      `app.config.update(SECRET_KEY=...)`, `app.config.from_mapping(SECRET_KEY=...)`, and the
      same for Flask-WTF's `WTF_CSRF_SECRET_KEY` and Flask-JWT-Extended's `JWT_SECRET_KEY`;
    - a configuration class (`class Config:`, `class ProductionConfig(Config):`,
      `class Settings(BaseSettings):`) with one of these keys as a class attribute, reported with
      medium confidence, unless its name marks it as development or test configuration
      (`DevelopmentConfig`, `TestingConfig`) or a subclass in the module sets the key from the
      environment without a literal;
    - Django: `SECRET_KEY = ...` at the top level of a settings module whose path does not mark
      it as development, local or test settings, unless a settings module that extends it
      (`from .base import *`) sets the key without a literal;
    - Starlette and FastAPI: `SessionMiddleware(app, secret_key=...)`,
      `app.add_middleware(SessionMiddleware, secret_key=...)`;
    - itsdangerous signers and serializers (`URLSafeTimedSerializer("...")`), and PyJWT or
      python-jose `jwt.encode`/`jwt.decode` given a literal key.

    Whatever the literal's entropy, the running application signs with a key that is known.
    Not reported: test files, empty strings, keys read from the environment or a secret store
    without a literal fallback, PEM keys given to `jwt.decode` (a public key is no secret), a
    config update that also sets `TESTING=True`, and literals PG730 already reports as
    hardcoded secrets. The key itself never appears in any report.

    ## Why is this bad
    The framework signs session cookies, password-reset links, CSRF and access tokens with this
    key. Anyone who reads the source, or tries a short word list of common keys (tools such as
    flask-unsign do exactly that), can sign a session for any user, including an administrator.
    A fallback is as bad as a literal: when a deployment forgets the variable, the application
    starts anyway and uses the known key.

    ## Example
    ```python
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
    ```

    ## Use instead
    ```python
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # fail at start-up when unset
    ```
    Generate the key once per deployment (`python -c "import secrets; print(secrets.token_hex(32))"`)
    and keep it in the environment or a secret manager.

    ## Known limitations
    A Flask configuration module loaded with `from_pyfile` or `from_object("config")` is not
    recognised unless it looks like Django settings; a key reaching a signer through a variable
    is followed only through an environment lookup, not through names.

    ## References
    - https://flask.palletsprojects.com/en/latest/config/#SECRET_KEY
    - https://docs.djangoproject.com/en/stable/ref/settings/#secret-key
    - https://github.com/Paradoxis/Flask-Unsign
    """

    meta = RuleMeta(
        code="PG732",
        name="guessable-signing-key",
        category="security.secrets",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.HARDCODED_CRYPTO_KEY, cwe.HARDCODED_CREDENTIALS),
        message="{what} {how}, so anyone who reads the code or tries a list of common keys can forge {forges}",
        tags=("secrets", "flask", "django", "starlette"),
    )

    flagged = (
        """
        import os
        from flask import Flask
        from itsdangerous import URLSafeTimedSerializer

        app = Flask(__name__)
        app.secret_key = "supersecret"  # error: PG732
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")  # error: PG732
        app.config.update(
            JWT_SECRET_KEY=os.getenv("JWT_SECRET_KEY") or "jwt-secret",  # error: PG732
            WTF_CSRF_SECRET_KEY="csrf",  # error: PG732
        )
        reset_tokens = URLSafeTimedSerializer("my-secret", salt="password-reset")  # error: PG732
        """,
        """
        from flask import Flask

        def create_app(test_config=None):
            app = Flask(__name__, instance_relative_config=True)
            app.config.from_mapping(SECRET_KEY="dev", DATABASE="/srv/app/app.sqlite")  # error: PG732
            app.config.from_pyfile("config.py", silent=True)
            return app
        """,
        """
        import jwt
        from fastapi import FastAPI
        from starlette.middleware.sessions import SessionMiddleware

        app = FastAPI()
        app.add_middleware(SessionMiddleware, secret_key="secret")  # error: PG732

        def issue(user_id):
            return jwt.encode({"sub": user_id}, "jwt-signing-secret", algorithm="HS256")  # error: PG732
        """,
        """
        import os

        class Config:
            SECRET_KEY = os.environ.get("SECRET_KEY") or "hard to guess string"  # error: PG732
            SQLALCHEMY_TRACK_MODIFICATIONS = False

        class DevelopmentConfig(Config):
            SECRET_KEY = "dev"

        class ProductionConfig(Config):
            DEBUG = False
        """,
        Example(
            """
            import environ

            env = environ.Env()
            SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-change-me")  # error: PG732
            DEBUG = False
            INSTALLED_APPS = ["django.contrib.auth", "payments"]
            """,
            path="payments/settings.py",
        ),
    )
    clean = (
        """
        import os
        from flask import Flask
        from itsdangerous import URLSafeTimedSerializer

        app = Flask(__name__)
        app.secret_key = os.environ["SECRET_KEY"]
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")
        app.config["DATABASE_URL"] = os.environ.get("DATABASE_URL", "sqlite:///app.db")
        app.config["JWT_SECRET_KEY"] = "q8Zr2Lk9Vb4Tn7Xw"  # PG730 reports it
        reset_tokens = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="password-reset")
        """,
        """
        import jwt
        from flask import Flask

        PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----"

        def create_app(testing=False):
            app = Flask(__name__)
            if testing:
                app.config.update(TESTING=True, SECRET_KEY="test")
            return app

        def claims(token):
            return jwt.decode(token, "-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----", algorithms=["ES256"])
        """,
        """
        import os

        class Config:
            SECRET_KEY = "dev"

        class ProductionConfig(Config):
            SECRET_KEY = os.environ["SECRET_KEY"]

        class TestingConfig(Config):
            SECRET_KEY = "test"

        class Token:
            SECRET_KEY = "not a configuration class"
        """,
        Example(
            """
            from .base import *

            SECRET_KEY = "local-development-key"
            DEBUG = True
            """,
            path="config/settings/dev.py",
        ),
        Example(
            """
            SECRET_KEY = "insecure"
            INSTALLED_APPS = ["orders"]
            """,
            path="config/settings/base.py",
            files={"config/settings/production.py": "import os\nfrom .base import *\nSECRET_KEY = os.environ['SECRET_KEY']\n",
                   "config/settings/__init__.py": "", "config/__init__.py": ""},
        ),
        Example(
            """
            from flask import Flask

            app = Flask(__name__)
            app.config["SECRET_KEY"] = "test"
            """,
            path="tests/conftest.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr in CONFIG_SETTERS and isinstance(func.value, ast.Attribute)
                and func.value.attr == "config"):
            self._config_update(node, ast.unparse(func.value), ctx)
            return
        name = ctx.call_name(node) or ""
        first = node.args[0] if node.args else None
        forges = "signed tokens"
        if name == SESSION_MIDDLEWARE:
            found, what = self._argument(node, 1, "secret_key", ctx), "`SessionMiddleware`'s `secret_key`"
            forges = SIGNING_SETTINGS["SECRET_KEY"]
        elif first is not None and ctx.qualname(first) == SESSION_MIDDLEWARE:
            keyword = ctx.keyword(node, "secret_key")
            found = _literal(keyword.value, keyword, ctx) if keyword is not None else None
            what, forges = "`SessionMiddleware`'s `secret_key`", SIGNING_SETTINGS["SECRET_KEY"]
        elif name.startswith("itsdangerous.") and name.rsplit(".", 1)[1] in ITSDANGEROUS_SIGNERS:
            found, what = self._argument(node, 0, "secret_key", ctx), f"The key of `{name.rsplit('.', 1)[1]}`"
        elif name in JWT_CODECS:
            found, what = self._argument(node, 1, "key", ctx), f"The key given to `{ast.unparse(func)}`"
            if found is not None and "-----BEGIN" in str(found[0].value):
                return
        else:
            return
        if found is not None:
            self._report(found, what, forges, ctx)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        publish_star_import(node, ctx)

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        name, module = query
        return not set_safely_downstream(index, module, name)

    def assignment(self, target: ast.expr, value: ast.expr, statement: ast.stmt, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        if isinstance(target, ast.Attribute) and target.attr == "secret_key" and is_web_app(target.value, ctx):
            self._report_value(value, statement, f"`{ast.unparse(target)}`", SIGNING_SETTINGS["SECRET_KEY"], ctx)
        elif (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
              and target.value.attr == "config" and name_of(target) in SIGNING_SETTINGS):
            self._report_value(value, statement, f"`{ast.unparse(target)}`", SIGNING_SETTINGS[name_of(target)], ctx)
        elif isinstance(target, ast.Name) and target.id in SIGNING_SETTINGS:
            self._setting(target.id, value, statement, ctx)

    def _setting(self, name: str, value: ast.expr, statement: ast.stmt, ctx: FileContext) -> None:
        """``SECRET_KEY = ...`` in a Django settings module or in a configuration class."""
        scope = ctx.parent()
        if isinstance(scope, ast.Module) and name == "SECRET_KEY":
            found = _literal(value, statement, ctx)
            publish_setting(ctx, name, found is None)
            if found is not None and production_settings(ctx):
                self._report(found, "`SECRET_KEY`", SIGNING_SETTINGS[name], ctx, requires=(name, ctx.module))
        elif (isinstance(scope, ast.ClassDef) and len(ctx.parents) == 2 and _production_config_class(scope)
              and not _overridden_safely(scope, name, ctx)):
            self._report_value(value, statement, f"`{scope.name}.{name}`", SIGNING_SETTINGS[name], ctx,
                               confidence=Confidence.MEDIUM)

    def _config_update(self, call: ast.Call, config: str, ctx: FileContext) -> None:
        """``app.config.update(SECRET_KEY=...)``, ``from_mapping({"SECRET_KEY": ...})``, ``update(dict(...))``."""
        settings: list[tuple[str, ast.expr, ast.AST]] = [(k.arg, k.value, k) for k in call.keywords if k.arg]
        mapping = call.args[0] if call.args else None
        if isinstance(mapping, ast.Dict):
            settings += [(k.value, v, mapping) for k, v in zip(mapping.keys, mapping.values)
                         if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        elif isinstance(mapping, ast.Call) and isinstance(mapping.func, ast.Name) and mapping.func.id == "dict":
            settings += [(k.arg, k.value, k) for k in mapping.keywords if k.arg]
        if any(name == "TESTING" and is_constant(value, True) for name, value, _ in settings):
            return
        for name, value, parent in settings:
            if name in SIGNING_SETTINGS:
                self._report_value(value, parent, f'`{config}["{name}"]`', SIGNING_SETTINGS[name], ctx)

    @staticmethod
    def _argument(call: ast.Call, position: int, keyword_name: str, ctx: FileContext) -> Found | None:
        keyword = ctx.keyword(call, keyword_name)
        if keyword is not None:
            return _literal(keyword.value, keyword, ctx)
        return _literal(ctx.argument(call, position, keyword_name), call, ctx)

    def _report_value(self, value: ast.expr, parent: ast.AST, what: str, forges: str, ctx: FileContext,
                      confidence: Confidence | None = None) -> None:
        found = _literal(value, parent, ctx)
        if found is not None:
            self._report(found, what, forges, ctx, confidence=confidence)

    @staticmethod
    def _report(found: Found, what: str, forges: str, ctx: FileContext, confidence: Confidence | None = None,
                requires: tuple[str, ...] | None = None) -> None:
        literal, parent, fallback = found
        if isinstance(literal.value, str) and literal_secret(literal, parent) is not None:
            return  # PG730 reports it as a hardcoded secret
        ctx.report(literal, what=what, how=FALLBACK if fallback else LITERAL, forges=forges,
                   confidence=confidence, requires=requires)
