from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.errors._helpers import handler_nodes, uses_name


class ExceptionReplacedWithoutCause(Rule):
    """
    ## What it does
    Finds `except SomeError as e:` handlers that raise a different exception without `from e`
    and never use `e`: neither in the new exception's message nor anywhere else in the handler.

    ## Why is this bad
    The new exception says "ledger write failed" but not why: the HTTP status, the timeout, the
    constraint that was violated are gone from the message, and without `from e` the original is
    kept only as "during handling of the above exception, another exception occurred", which
    error trackers and `str(exc)` in API responses or upstream logs drop. The on-call engineer
    sees the symptom and has to reproduce the failure to find the cause. Binding `e` and not using
    it is the typical trace of a forgotten `from e`.

    ## Example
    ```python
    try:
        resp = self.session.post(url, json=entry, timeout=5)
        resp.raise_for_status()
    except requests.RequestException as e:
        raise LedgerError("ledger write failed")
    ```

    ## Use instead
    ```python
    except requests.RequestException as e:
        raise LedgerError(f"ledger write failed: {e}") from e
    ```

    ## Known limitations
    Handlers that do not bind the exception (`except KeyError: raise ConfigError(...)`) are not
    reported: translating an expected exception into a domain error is usually deliberate.
    Test files are not checked.

    ## References
    - https://docs.python.org/3/reference/simple_stmts.html#the-raise-statement
    - https://peps.python.org/pep-3134/
    """

    meta = RuleMeta(
        code="PG210",
        name="exception-replaced-without-cause",
        category="errors.lost-context",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.IMPROPER_EXCEPTION_HANDLING,),
        message="`{raised}` replaces the caught `{caught}` without `from {caught}` or its message, so the root cause of this failure is lost",
        tags=("exceptions",),
    )

    flagged = (
        """
        import requests

        class LedgerError(Exception):
            pass

        def post_entry(session, url, entry):
            try:
                resp = session.post(url, json=entry, timeout=5)
                resp.raise_for_status()
            except requests.RequestException as e:
                raise LedgerError("ledger write failed")  # error: PG210
            return resp.json()
        """,
        """
        def load_order(repository, order_id):
            try:
                return repository.get(order_id)
            except Exception as exc:
                if order_id.startswith("legacy-"):
                    raise LookupError(order_id)  # error: PG210
                raise RuntimeError  # error: PG210
        """,
    )
    clean = (
        """
        import requests

        class LedgerError(Exception):
            pass

        def post_entry(session, url, entry):
            try:
                session.post(url, json=entry, timeout=5).raise_for_status()
            except requests.RequestException as e:
                raise LedgerError("ledger write failed") from e
            except ValueError as e:
                raise LedgerError(f"bad ledger answer: {e}")
            except KeyError:
                raise LedgerError("ledger answer without id")
            except TypeError as e:
                raise
            except OSError as e:
                raise LedgerError("socket error") from None
        """,
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, ctx: FileContext) -> None:
        if not node.name or ctx.is_test_file or uses_name(node.body, node.name):
            return
        for child in handler_nodes(node):
            if isinstance(child, ast.Raise) and child.exc is not None and child.cause is None:
                raised = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                ctx.report(child, raised=ast.unparse(raised), caught=node.name)
