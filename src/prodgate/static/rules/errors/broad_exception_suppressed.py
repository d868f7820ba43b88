from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.errors._helpers import BROAD

SUPPRESS = "contextlib.suppress"


class BroadExceptionSuppressed(Rule):
    """
    ## What it does
    Finds `contextlib.suppress(Exception)` and `contextlib.suppress(BaseException)`.

    ## Why is this bad
    It is `except Exception: pass` written as one line: every error in the block, expected or
    not, is dropped without a log line. A webhook delivery that fails, a receipt that is never
    sent or a cache write that raises because of a bug all look like success, and nothing is left
    to debug the incident with.

    ## Example
    ```python
    with suppress(Exception):
        notifications.send_receipt(order.email, order.charge_id)
    ```

    ## Use instead
    ```python
    try:
        notifications.send_receipt(order.email, order.charge_id)
    except SMTPException:
        logger.warning("receipt for %s not sent", order.charge_id, exc_info=True)
    ```
    Suppress only the specific exceptions you expect (`suppress(FileNotFoundError)`).

    ## Known limitations
    Test files are not checked.

    ## References
    - https://docs.python.org/3/library/contextlib.html#contextlib.suppress
    """

    meta = RuleMeta(
        code="PG202",
        name="broad-exception-suppressed",
        category="errors.swallowed",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.CATCH_GENERIC_EXCEPTION, cwe.UNCHECKED_ERROR_CONDITION),
        message="`suppress({caught})` drops every error in the block without logging, so failures and bugs here disappear silently",
        tags=("exceptions",),
    )

    flagged = (
        """
        import contextlib

        def finish_order(order, send_receipt):
            order.status = "paid"
            with contextlib.suppress(Exception):  # error: PG202
                send_receipt(order.email, order.charge_id)
        """,
        """
        from contextlib import suppress

        def evict(cache, key):
            with suppress(KeyError, BaseException):  # error: PG202
                cache.delete(key)
        """,
    )
    clean = (
        """
        import os
        from contextlib import suppress

        def remove_export(path):
            with suppress(FileNotFoundError):
                os.remove(path)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.call_name(node) != SUPPRESS or ctx.is_test_file:
            return
        for argument in node.args:
            if ctx.qualname(argument) in BROAD:
                ctx.report(node, caught=ast.unparse(argument))
                return
