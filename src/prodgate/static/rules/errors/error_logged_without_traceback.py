from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.errors._helpers import catches_broadly, handler_nodes, uses_name

LEVELS = frozenset({"error", "critical", "fatal"})
LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG", "logging"})
LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger"})
TRACEBACK_KEYWORDS = ("exc_info", "stack_info")


def _is_logger(ctx: FileContext, receiver: ast.expr) -> bool:
    if ctx.qualname(receiver) == "logging":
        return True
    if ctx.constructor_name(receiver) in LOGGER_FACTORIES:
        return True
    name = receiver.attr if isinstance(receiver, ast.Attribute) else receiver.id if isinstance(receiver, ast.Name) else ""
    return name in LOGGER_NAMES


def _reraises(handler: ast.ExceptHandler, nodes: list[ast.AST]) -> bool:
    """A bare ``raise`` or ``raise e``: the same exception, traceback included, goes on upward."""
    for node in nodes:
        if isinstance(node, ast.Raise) and (node.exc is None or (
                isinstance(node.exc, ast.Name) and node.exc.id == handler.name)):
            return True
        if isinstance(node, ast.Raise) and node.cause is not None:
            return True
    return False


class ErrorLoggedWithoutTraceback(Rule):
    """
    ## What it does
    Finds `logger.error(...)` / `logger.critical(...)` / `logging.error(...)` inside an `except`
    handler without `exc_info=True` (and not `logger.exception(...)`), when the handler does not
    re-raise the exception.

    ## Why is this bad
    The log line is the only record of the failure, and it has no traceback: not the line that
    failed, not the exception type, not the chain of causes. `f"charge failed: {exc}"` shows
    `'source'` for a `KeyError` or an empty string for many network errors. The incident can be
    seen but not debugged, and the fix waits until someone reproduces it.

    ## Example
    ```python
    except Exception as exc:
        logger.error(f"charge failed: {exc}")
        return jsonify(error="payment_failed"), 402
    ```

    ## Use instead
    ```python
    except Exception:
        logger.exception("charge failed for order %s", order_id)
        return jsonify(error="payment_failed"), 402
    ```

    ## Known limitations
    Loggers are recognised by construction (`logging.getLogger`) or by their usual names
    (`logger`, `log`, `LOGGER`). A handler that re-raises the exception (bare `raise`, `raise e`,
    `raise ... from e`) is not reported: the traceback reaches whoever handles it next. Nor is a
    handler of specific exception classes (`except GDALException as exc: logger.error("transform
    failed: %s", exc)`, `except ldap.INVALID_CREDENTIALS: logger.error("bind failed")`): the clause
    names an anticipated failure and the message says what it meant; the traceback matters for the
    unexpected ones a broad handler catches. A broad handler whose message includes the exception
    has medium confidence.
    Test files are not checked.

    ## References
    - https://docs.python.org/3/library/logging.html#logging.Logger.exception
    """

    meta = RuleMeta(
        code="PG211",
        name="error-logged-without-traceback",
        category="errors.lost-context",
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        cwe=(cwe.IMPROPER_EXCEPTION_HANDLING,),
        message="`{call}` logs the handled error without its traceback, so the failing line and exception chain are missing from the logs",
        tags=("exceptions", "logging"),
    )

    flagged = (
        """
        import logging

        logger = logging.getLogger(__name__)

        def create_payment(api, body):
            try:
                return api.create_charge(body["amount"], body["source"])
            except Exception as exc:
                logger.error(f"charge failed: {exc}")  # error: PG211
                return None
        """,
        """
        import logging

        def sync_balances(ledger, merchants):
            for merchant in merchants:
                try:
                    ledger.sync(merchant.ledger_account_id)
                except Exception:
                    logging.error("balance sync failed for merchant %s", merchant.id)  # error: PG211
        """,
    )
    clean = (
        """
        import logging

        logger = logging.getLogger(__name__)

        def refund(api, charge_id):
            try:
                return api.refund_charge(charge_id)
            except api.PaymentsApiError:
                logger.error("refund failed for %s", charge_id, exc_info=True)
            try:
                return api.refund_charge(charge_id)
            except api.PaymentsApiError:
                logger.exception("refund failed for %s", charge_id)
            try:
                return api.refund_charge(charge_id)
            except api.PaymentsApiError:
                logger.error("refund failed for %s", charge_id)
                raise
        """,
        """
        import logging

        logger = logging.getLogger(__name__)

        def reproject(geometry, srid):
            try:
                return geometry.transform(srid)
            except geometry.TransformError as exc:
                logger.error("cannot move geometry to srid %s: %s", srid, exc)
                return geometry

        def bind(conn, dn, password):
            try:
                conn.simple_bind_s(dn, password)
            except (conn.INVALID_CREDENTIALS, conn.NO_SUCH_OBJECT):
                logger.error("[LDAP] Bind failed")
                return None
        """,
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        nodes = handler_nodes(node)
        if _reraises(node, nodes):
            return
        for child in nodes:
            if not (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in LEVELS and _is_logger(ctx, child.func.value)):
                continue
            if ctx.has_splat(child) or any(ctx.keyword(child, k) for k in TRACEBACK_KEYWORDS):
                continue
            if catches_broadly(ctx, node) is None:
                continue  # the clause names the anticipated failure; the message says what it meant
            included = node.name is not None and uses_name([ast.Expr(child)], node.name)
            ctx.report(child, call=ast.unparse(child.func), confidence=Confidence.MEDIUM if included else None)
