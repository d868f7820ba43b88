from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.errors._helpers import catches_broadly, has_comment, uses_name
from prodgate.static.rules.resilience._helpers import is_remote_call

CLEANUP_WORDS = ("close", "shutdown", "quit", "disconnect", "unlink", "remove", "cleanup", "terminate", "kill")
IMPORTERS = frozenset({"importlib.import_module", "__import__", "django.utils.module_loading.import_string"})


def _is_default(value: ast.expr | None) -> bool:
    """``None``, a literal, an empty container or a plain name: a stand-in for a real result."""
    if value is None or isinstance(value, (ast.Constant, ast.Name)):
        return True
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    return isinstance(value, ast.Dict) and not value.keys


def _only_swallows(body: list[ast.stmt]) -> bool:
    for statement in body:
        if isinstance(statement, (ast.Pass, ast.Continue)):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, ast.Return) and _is_default(statement.value):
            continue
        return False
    return True


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _deliberate(ctx: FileContext, attempt: ast.Try) -> bool:
    """A ``try`` whose failure is an expected outcome: it only closes or removes things, only probes
    an optional import, computes without calling anything, or is a "safe" wrapper
    (``try: return parse(x)``) around a call that is not a remote one."""
    calls = [n for s in attempt.body for n in ast.walk(s) if isinstance(n, ast.Call)]
    if not calls:
        return True
    if (len(attempt.body) == 1 and isinstance(attempt.body[0], ast.Return)
            and not any(is_remote_call(ctx, call) for call in calls)):
        return True
    if all(ctx.call_name(call) in IMPORTERS for call in calls):
        return True
    return all(any(word in _callee(call).lower() for word in CLEANUP_WORDS) for call in calls)


class BroadExceptionSwallowed(Rule):
    """
    ## What it does
    Finds `except:`, `except Exception:` and `except BaseException:` handlers whose body only
    passes, continues, or returns/assigns a default (`None`, a literal, an empty container),
    without logging or re-raising.

    ## Why is this bad
    Every failure in the `try` block, including the ones nobody anticipated (a `KeyError` from a
    changed payload, a lost database connection, a bug introduced next week), disappears without
    a trace. The code carries on with missing or default data: a ledger job is dropped, a
    configuration silently falls back to defaults, a payment stays "pending" for ever. Incidents
    are found by customers, not by alerts, and there is nothing in the logs to debug them with.

    ## Example
    ```python
    try:
        post_to_ledger(job)
    except Exception:
        pass
    ```

    ## Use instead
    ```python
    try:
        post_to_ledger(job)
    except LedgerError:
        logger.exception("ledger post failed for %s", job["reference"])
        dead_letters.put(job)
    ```
    Catch the exceptions you expect, and log (with the traceback) or re-raise the rest.

    ## Known limitations
    Deliberate swallows are left alone: a handler with a comment explaining it, a `try` that
    only closes or removes resources (`close()`, `shutdown()`, `unlink()`), only probes an
    optional import, calls nothing, or is a "safe" wrapper `try: return parse(value)` around a
    call that is not remote (a database or HTTP call still counts), and `__del__` methods. A
    handler that assigns a fallback value (`encoding = "ascii"`) is taken as a deliberate
    fallback and missed even when it hides an outage. A handler that returns a variable is treated
    as returning a default. Handlers that return a default are reported with medium confidence,
    handlers that only `pass` or `continue` with high confidence.
    Test files are not checked.

    ## References
    - https://docs.python.org/3/tutorial/errors.html#handling-exceptions
    - https://cwe.mitre.org/data/definitions/396.html
    """

    meta = RuleMeta(
        code="PG201",
        name="broad-exception-swallowed",
        category="errors.swallowed",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.CATCH_GENERIC_EXCEPTION, cwe.UNCHECKED_ERROR_CONDITION),
        message="`{handler}` drops every error without logging or re-raising, so failures and bugs here disappear silently",
        tags=("exceptions",),
    )

    flagged = (
        """
        def ledger_worker(work_queue, post):
            while True:
                job = work_queue.get(timeout=5)
                try:
                    post(job)
                except:  # error: PG201
                    continue  # skip bad jobs
        """,
        """
        import json

        def load_feature_flags(path):
            flags = {}
            try:
                with open(path) as fh:
                    flags.update(json.load(fh))
            except Exception:  # error: PG201
                pass
            return flags

        def refund_amount(order, ledger):
            try:
                captured = ledger.captured(order.charge_id)
                return captured - ledger.refunded(order.charge_id)
            except (KeyError, Exception):  # error: PG201
                return 0
        """,
        """
        import requests

        def get_customer(url):
            try:
                return requests.get(url, timeout=5).json()
            except Exception:  # error: PG201
                return None
        """,
        """
        def find_encoding(locale):
            try:
                encoding = locale.getlocale()[1]
            except Exception:  # todo-error: PG201
                encoding = "ascii"
            return encoding
        """,
    )
    clean = (
        """
        import logging

        logger = logging.getLogger(__name__)

        def post_all(jobs, post):
            for job in jobs:
                try:
                    post(job)
                except Exception:
                    logger.exception("ledger post failed")
                try:
                    import ujson as json
                except ImportError:
                    json = None
                try:
                    post(job)
                except Exception:
                    raise
        """,
        """
        from datetime import datetime

        def parse_date_safe(value):
            try:
                return datetime.fromisoformat(value)
            except Exception:
                return None

        def add(value, arg):
            try:
                return value + arg
            except Exception:
                return ""
        """,
        """
        class Connection:
            def __del__(self):
                try:
                    self.flush()
                except Exception:
                    pass

            def close(self):
                try:
                    self.sock.shutdown()
                    self.sock.close()
                except Exception:
                    pass
                try:
                    self.flush()
                except Exception:  # the peer may already be gone: closing must not fail
                    pass
        """,
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        handler = catches_broadly(ctx, node)
        if ctx.is_test_file or handler is None or not _only_swallows(node.body) or (node.name and uses_name(node.body, node.name)):
            return
        function = ctx.function()
        attempt = ctx.parent()
        if (function is not None and function.name == "__del__") or has_comment(ctx, node):
            return
        if isinstance(attempt, ast.Try) and _deliberate(ctx, attempt):
            return
        silent = all(isinstance(s, (ast.Pass, ast.Continue, ast.Expr)) for s in node.body)
        ctx.report(node, handler=handler, confidence=None if silent else Confidence.MEDIUM)
