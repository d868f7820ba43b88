from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes, imports_concurrency
from prodgate.static.rules.concurrency._helpers import under_lock


class GlobalReadModifyWrite(Rule):
    """
    ## What it does
    Finds `global counter` followed by `counter += 1` (any augmented assignment) inside a
    function, with no lock held.

    ## Why is this bad
    `x += 1` on a global is a read, an add and a write: two threads of the same worker can read
    the same value and one update is lost. Rate limiters stop limiting, sequence numbers repeat
    (two invoices with the same number), and counters exported as metrics drift. With several
    worker processes each has its own copy anyway, so the value is wrong in a second way.

    ## Example
    ```python
    _invoice_seq = 0

    def next_invoice_number():
        global _invoice_seq
        _invoice_seq += 1
        return f"INV-{_invoice_seq:06d}"
    ```

    ## Use instead
    ```python
    _invoice_lock = threading.Lock()

    def next_invoice_number():
        global _invoice_seq
        with _invoice_lock:
            _invoice_seq += 1
            return f"INV-{_invoice_seq:06d}"
    ```
    For numbers that must be unique across processes, use a database sequence.

    ## Known limitations
    Only modules that import a web framework, a task queue, `threading`, `concurrent` or
    `asyncio` are checked: elsewhere nothing says the function runs in several threads. Locks
    are recognised by name (`with lock:`, `with _counter_lock:`). Functions only ever called at
    import time are still reported. Test files are not checked.
    """

    meta = RuleMeta(
        code="PG402",
        name="global-read-modify-write",
        category="concurrency.race",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.RACE_CONDITION,),
        message="`{name} {op}= ...` updates a module global without a lock, so concurrent calls "
                "lose updates",
        tags=("threads",),
    )

    flagged = (
        """
        from flask import Flask

        app = Flask(__name__)
        _invoice_seq = 0

        def next_invoice_number():
            global _invoice_seq
            _invoice_seq += 1  # error: PG402
            return f"INV-{_invoice_seq:06d}"
        """,
        """
        from celery import shared_task

        requests_this_minute = 0

        def allow_request():
            global requests_this_minute
            if requests_this_minute >= 100:
                return False
            requests_this_minute += 1  # error: PG402
            return True
        """,
    )
    clean = (
        """
        import threading

        _seq = 0
        _lock = threading.Lock()

        def next_number():
            global _seq
            with _lock:
                _seq += 1
                return _seq
        """,
        """
        _calls = 0

        def count_call():
            global _calls
            _calls += 1

        total = 0

        def local_sum(values):
            total = 0
            for value in values:
                total += value
            return total
        """,
    )

    def visit_AugAssign(self, node: ast.AugAssign, ctx: FileContext) -> None:
        if not isinstance(node.target, ast.Name):
            return
        function = ctx.function()
        if function is None or ctx.is_test_file:
            return
        name = node.target.id
        if name in self._globals(ctx, function) and imports_concurrency(ctx) and not under_lock(ctx):
            op = ast.unparse(ast.BinOp(ast.Name("a"), node.op, ast.Name("b")))[2:-2]
            ctx.report(node, name=name, op=op)

    @staticmethod
    def _globals(ctx: FileContext, function: ast.AST) -> set[str]:
        return {name for n in function_nodes(ctx, function) if isinstance(n, ast.Global) for name in n.names}
