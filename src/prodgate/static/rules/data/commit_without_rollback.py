from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules._function_scan import FunctionNode, own_nodes
from prodgate.static.rules.data._helpers import is_commit, is_sql_write, reads_request_global

CLEANUPS = frozenset({"rollback", "close", "remove"})
REQUEST_SCOPED = "returns-request-global"  # fact: a function returns a value kept on flask.g

# The examples' database module: one connection per request on flask.g, closed at teardown...
REQUEST_DB_MODULE = '''
import sqlite3

from flask import g

def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("shop.db")
    return g.db

def close_db(error=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()
'''
# ...and one that hands out connections of a pool shared by every request.
POOLED_DB_MODULE = '''
import psycopg2.pool

POOL = psycopg2.pool.ThreadedConnectionPool(1, 10, "dbname=shop")

def get_db():
    return POOL.getconn()
'''


class CommitWithoutRollback(Rule):
    """
    ## What it does
    Finds a `try:` block that writes to the database and calls `commit()`, whose `except`
    handler neither rolls back (`rollback()`), closes the session/connection, nor re-raises:
    the error is absorbed and the transaction is left open.

    ## Why is this bad
    After a failed flush or commit, a SQLAlchemy session refuses all further work
    (`PendingRollbackError`) and a DB-API connection stays inside an aborted transaction
    (PostgreSQL: "current transaction is aborted, commands ignored"). Because the handler
    swallowed the error, the same session or connection is reused by the next request, which
    fails for a reason unrelated to it; locks taken by the partial writes are held until the
    connection dies.

    ## Example
    ```python
    try:
        session.add(Payment(order_id=order.id, amount=amount))
        session.commit()
    except IntegrityError:
        logger.warning("duplicate payment for %s", order.id)
    ```

    ## Use instead
    ```python
    try:
        session.add(Payment(order_id=order.id, amount=amount))
        session.commit()
    except IntegrityError:
        session.rollback()
        logger.warning("duplicate payment for %s", order.id)
    ```
    Or let `with session.begin():` commit and roll back for you.

    A connection a Flask application keeps on `flask.g` for one request (read from `g`, or
    returned from `g` by a function of the project such as the tutorial's `get_db()`) is left
    alone when the function does not touch it again after the failure (in the handler, in
    `finally`, after the `try`, or in a later turn of an enclosing loop): the application
    context's teardown closes it, which rolls the transaction back, and no later request sees
    it. A request-scoped connection used again after the `try` is still reported, and so are
    module-level, pooled and passed-in connections and Flask-SQLAlchemy's `db.session`, whose
    scoped session every later query, lazy load and template of the same request reuses
    without naming it.

    ## Known limitations
    A rollback done by a caller or by framework teardown is not seen, except for the
    request-scoped connections above; a later use of such a connection by another function of
    the same request (a helper that calls `get_db()` again) is not seen either. A handler that
    re-raises is trusted to reach a rollback. Writes are SQLAlchemy session writes and literal
    `INSERT`/`UPDATE`/`DELETE` statements.
    """

    meta = RuleMeta(
        code="PG502",
        name="commit-without-rollback",
        category="data.transaction",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.SYNCHRONIZATION, cwe.IMPROPER_EXCEPTION_HANDLING),
        message="the error handler after `{commit}` neither rolls back nor re-raises, so the failed "
                "transaction stays open and breaks the next use of the session or connection",
        tags=("database",),
    )

    flagged = (
        """
        import logging
        from sqlalchemy.exc import IntegrityError

        logger = logging.getLogger(__name__)

        def record_payment(session, order, amount):
            try:
                session.add(Payment(order_id=order.id, amount=amount))
                session.commit()
            except IntegrityError:  # error: PG502
                logger.warning("duplicate payment for %s", order.id)
            return order
        """,
        """
        def mark_shipped(conn, order_id):
            cur = conn.cursor()
            try:
                cur.execute("UPDATE orders SET status = 'shipped' WHERE id = %s", (order_id,))
                conn.commit()
            except Exception as exc:  # error: PG502
                return {"ok": False, "error": str(exc)}
            return {"ok": True}
        """,
        """
        import sqlite3
        from flask import g

        def get_db():
            if "db" not in g:
                g.db = sqlite3.connect("shop.db")
            return g.db

        def tag_post(post_id, tag):
            db = get_db()
            try:
                db.execute("INSERT INTO tags (post_id, name) VALUES (?, ?)", (post_id, tag))
                db.commit()
            except sqlite3.IntegrityError:  # error: PG502
                pass
            db.execute("UPDATE posts SET tagged = 1 WHERE id = ?", (post_id,))
            db.commit()

        def import_tags(post_id, tags):
            for tag in tags:
                try:
                    g.db.execute("INSERT INTO tags (post_id, name) VALUES (?, ?)", (post_id, tag))
                    g.db.commit()
                except sqlite3.IntegrityError:  # error: PG502
                    continue
        """,
        """
        import psycopg2
        from flask import flash, render_template
        from flask_sqlalchemy import SQLAlchemy
        from sqlalchemy.exc import IntegrityError

        db = SQLAlchemy()
        conn = psycopg2.connect("dbname=shop")

        def subscribe(email):
            try:
                db.session.add(Subscriber(email=email))
                db.session.commit()
            except IntegrityError:  # error: PG502
                flash("already subscribed")
            return render_template("subscribe.html")

        def unsubscribe(email):
            try:
                with conn.cursor() as cur:
                    cur.execute("DELETE FROM subscribers WHERE email = %s", (email,))
                conn.commit()
            except psycopg2.Error:  # error: PG502
                flash("try again later")
            return render_template("subscribe.html")
        """,
        Example(
            """
            from flask import flash
            from psycopg2 import IntegrityError

            from .db import get_db  # a connection from a pool every request shares

            def register(username):
                db = get_db()
                try:
                    db.cursor().execute("INSERT INTO users (name) VALUES (%s)", (username,))
                    db.commit()
                except IntegrityError:  # error: PG502
                    flash(f"{username} is taken")
            """,
            path="shop/auth.py",
            files={"shop/__init__.py": "", "shop/db.py": POOLED_DB_MODULE},
        ),
    )
    clean = (
        """
        def record_payment(session, order, amount):
            try:
                session.add(Payment(order_id=order.id, amount=amount))
                session.commit()
            except IntegrityError:
                session.rollback()
                logger.warning("duplicate payment for %s", order.id)

        def mark_shipped(conn, order_id):
            try:
                conn.execute("UPDATE orders SET status = 'shipped' WHERE id = ?", (order_id,))
                conn.commit()
            except Exception:
                logger.exception("ship failed")
                raise
        """,
        """
        def ping(session):
            try:
                session.commit()
            except Exception:
                pass
        """,
        """
        import sqlite3
        from flask import flash, g, redirect, render_template

        def get_db():
            db = getattr(g, "_database", None)
            if db is None:
                db = g._database = sqlite3.connect("shop.db")
            return db

        def register(username, password_hash):
            db = get_db()
            try:
                db.execute("INSERT INTO users (name, password) VALUES (?, ?)", (username, password_hash))
                db.commit()
            except db.IntegrityError:
                error = f"User {username} is already registered."
            else:
                return redirect("/login")
            flash(error)
            return render_template("register.html")

        def follow(user_id, author_id):
            try:
                g.db.execute("INSERT INTO follows (user_id, author_id) VALUES (?, ?)", (user_id, author_id))
                g.db.commit()
            except sqlite3.IntegrityError:
                flash("already following")
            return redirect("/")
        """,
        Example(
            """
            from flask import flash, render_template
            from sqlite3 import IntegrityError

            from .db import get_db  # one connection per request, kept on flask.g

            def register(username):
                db = get_db()
                try:
                    db.execute("INSERT INTO users (name) VALUES (?)", (username,))
                    db.commit()
                except IntegrityError:
                    flash(f"{username} is taken")
                return render_template("register.html")
            """,
            path="shop/auth.py",
            files={"shop/__init__.py": "", "shop/db.py": REQUEST_DB_MODULE},
        ),
    )

    def visit_Try(self, node: ast.Try, ctx: FileContext) -> None:
        if not node.handlers or ctx.is_test_file:
            return
        body = list(own_nodes(ast.Module(body=node.body, type_ignores=[])))
        commits = [n for n in body if is_commit(n)]
        if not commits or not any(is_sql_write(n) for n in body):
            return
        if _calls_cleanup(node.finalbody):
            return
        commit = commits[0]
        assert isinstance(commit, ast.Call)
        function = ctx.function()
        receivers = [c.func.value for c in commits if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)]
        scope = _request_scope(ctx, function, receivers) if function is not None and not ctx.loops() else None
        for handler in node.handlers:
            if _calls_cleanup(handler.body) or _raises(handler.body):
                continue
            requires = None
            if scope is not None and function is not None and not _used_again(function, node, handler, scope):
                if not scope.providers:
                    continue
                requires = (REQUEST_SCOPED, *sorted(scope.providers))
            ctx.report(handler.type or handler, commit=ast.unparse(commit.func) + "()", requires=requires)

    visit_TryStar = visit_Try

    def visit_Return(self, node: ast.Return, ctx: FileContext) -> None:
        function = ctx.function()
        if function is None or node.value is None or _is_none(node.value) or "flask" not in ctx.imported_roots:
            return
        scope = _request_scope(ctx, function, [node.value])
        qualname = f"{ctx.module}.{ctx.scopes.qualname}"
        returns: dict[str, bool] = ctx.state().setdefault("returns-request-global", {})
        before = returns.get(qualname)
        returns[qualname] = before is not False and scope is not None and not scope.providers
        if before or returns[qualname]:
            ctx.publish(REQUEST_SCOPED, qualname, returns[qualname])

    def confirm(self, query: tuple[str, ...], index: ProjectIndex) -> bool:
        return not all(index.fact(REQUEST_SCOPED, provider) is True for provider in query[1:])


@dataclass(slots=True)
class _Scope:
    """A request-scoped connection: the local names that hold it (and its cursors), the
    expressions that yield it (``g.db``, ``get_db()``) and the project functions to confirm."""

    names: set[str] = field(default_factory=set)
    sources: list[ast.expr] = field(default_factory=list)
    providers: set[str] = field(default_factory=set)


def _request_scope(ctx: FileContext, function: FunctionNode, values: list[ast.expr]) -> _Scope | None:
    """How the values (the receivers of the commits, or a returned value) reach a connection kept
    on ``flask.g``; None when any of them may be something else (a parameter, a module global,
    a pool, an attribute such as Flask-SQLAlchemy's ``db.session``)."""
    scope = _Scope()
    for value in values:
        sources = [value]
        if isinstance(value, ast.Name):
            assigned = _assignments(function, value.id)
            if not assigned:
                return None
            scope.names.add(value.id)
            sources = [_assigned_source(ctx, statement) for statement in assigned]
        for source in sources:
            if not reads_request_global(ctx, source):
                provider = _project_function(ctx, source)
                if provider is None:
                    return None
                scope.providers.add(provider)
            scope.sources.append(source)
    scope.names |= _cursor_names(function, scope.names)
    return scope


def _assignments(function: FunctionNode, name: str) -> list[ast.Assign] | None:
    """The plain ``name = ...`` statements of the function, or None when it binds ``name`` any
    other way (a parameter, unpacking, a loop, ``with ... as``, ``global``)."""
    args = function.args
    if any(a.arg == name for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a):
        return None
    assigned: list[ast.Assign] = []
    stores = 0
    for node in own_nodes(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            stores += 1
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            assigned.append(node)
    return assigned if stores == len(assigned) else None


def _assigned_source(ctx: FileContext, statement: ast.Assign) -> ast.expr:
    """What ``statement`` binds: a ``g`` attribute it also stores (``db = g.db = connect()``),
    else its value."""
    for target in statement.targets:
        if reads_request_global(ctx, target):
            return target
    return statement.value


def _project_function(ctx: FileContext, source: ast.expr) -> str | None:
    """The qualified name of the project's own function ``source`` calls (``get_db()``)."""
    if not isinstance(source, ast.Call):
        return None
    name = ctx.call_name(source)
    return name if name is not None and "." in name and ctx.in_project(name.split(".", 1)[0]) else None


def _cursor_names(function: FunctionNode, names: set[str]) -> set[str]:
    """Names bound to a cursor of the connection (``cur = db.cursor()``, ``with db.cursor() as cur``)."""
    found: set[str] = set()
    for node in own_nodes(function):
        pairs: list[tuple[ast.expr, ast.expr | None]] = []
        if isinstance(node, ast.Assign):
            pairs = [(node.value, target) for target in node.targets]
        elif isinstance(node, ast.withitem):
            pairs = [(node.context_expr, node.optional_vars)]
        for value, target in pairs:
            if (isinstance(target, ast.Name) and isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "cursor" and isinstance(value.func.value, ast.Name)
                    and value.func.value.id in names):
                found.add(target.id)
    return found


def _used_again(function: FunctionNode, node: ast.Try, handler: ast.ExceptHandler, scope: _Scope) -> bool:
    """The connection is touched after the failure: in the handler, in ``finally`` or after the ``try``."""
    spans = [(_start(handler.body[0]), _end(handler)), (_end(node), (sys.maxsize, 0))]
    if node.finalbody:
        spans.append((_start(node.finalbody[0]), _end(node)))
    sources = {ast.unparse(source) for source in scope.sources}
    for found in ast.walk(function):
        if not isinstance(found, (ast.Name, ast.Attribute, ast.Call)):
            continue
        if not any(low <= _start(found) <= high for low, high in spans):
            continue
        if isinstance(found, ast.Name):
            if found.id in scope.names and isinstance(found.ctx, ast.Load):
                return True
        elif ast.unparse(found) in sources:
            return True
    return False


def _start(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _end(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0


def _is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _calls_cleanup(block: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLEANUPS
               for n in own_nodes(ast.Module(body=block, type_ignores=[])))


def _raises(block: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Raise) for n in own_nodes(ast.Module(body=block, type_ignores=[])))
