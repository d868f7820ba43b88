from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import own_nodes
from prodgate.static.rules.data._helpers import is_commit, is_sql_write

CLEANUPS = frozenset({"rollback", "close", "remove"})


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

    ## Known limitations
    A rollback done by a caller or by framework teardown is not seen; a handler that re-raises
    is trusted to reach one. Writes are SQLAlchemy session writes and literal
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
        for handler in node.handlers:
            if not _calls_cleanup(handler.body) and not _raises(handler.body):
                ctx.report(handler.type or handler, commit=ast.unparse(commit.func) + "()")

    visit_TryStar = visit_Try


def _calls_cleanup(block: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLEANUPS
               for n in own_nodes(ast.Module(body=block, type_ignores=[])))


def _raises(block: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Raise) for n in own_nodes(ast.Module(body=block, type_ignores=[])))
