from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import is_module_name, own_nodes
from prodgate.static.rules.concurrency._helpers import under_lock

MUTATORS = frozenset({"add", "append", "setdefault", "update", "extend", "insert", "__setitem__"})
LOCK_TYPES = frozenset({"Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition"})
SIDE_EFFECT_WORDS = (
    "charge", "pay", "refund", "capture", "send", "notify", "email", "publish", "enqueue", "delay",
    "apply_async", "insert", "create", "save", "reserve", "decrement", "increment", "process", "submit",
    "post", "fulfil", "ship", "credit", "debit", "transfer", "book", "allocate",
)


class CheckThenActOnSharedCollection(Rule):
    """
    ## What it does
    Finds `if key not in SHARED:` (or `in`) on a module-level dict, set or list inside a
    function, where the branch then writes to the same collection and also does other work
    (calls), with no lock held.

    ## Why is this bad
    Module-level collections are shared by every thread of a worker (and by every request it
    serves). Two requests can both pass the `not in` test before either records the key: the
    "only once" work (charging a card, sending a confirmation, reserving stock) runs twice, and
    the dedup set gives a false sense of safety. It never shows in a single-threaded test.

    ## Example
    ```python
    PROCESSED = set()

    def handle_payment(event):
        if event["id"] not in PROCESSED:
            charge(event["order_id"], event["amount"])
            PROCESSED.add(event["id"])
    ```

    ## Use instead
    ```python
    PROCESSED = set()
    PROCESSED_LOCK = threading.Lock()

    def handle_payment(event):
        with PROCESSED_LOCK:
            if event["id"] in PROCESSED:
                return
            PROCESSED.add(event["id"])
        charge(event["order_id"], event["amount"])
    ```
    Across processes, use the database (a unique constraint) or an atomic cache operation
    (`SET key NX`).

    ## Known limitations
    Only branches that also make a call whose result is discarded and whose name says it acts
    (`charge`, `send_*`, `notify_*`, `create_*`, `reserve`, ...) are reported: a lazy cache
    (`CACHE[k] = compute(k)`) races harmlessly. A dict of per-key locks filled lazily
    (`LOCKS[k] = threading.Lock()`) is reported: racing threads get different locks. Locks are recognised by name
    (`with lock:`, `with self._mutex:`). Test files are not checked.
    """

    meta = RuleMeta(
        code="PG401",
        name="check-then-act-on-shared-collection",
        category="concurrency.race",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.RACE_CONDITION, cwe.CHECK_THEN_ACT),
        message="membership check on module-level `{name}` and the write that follows are not atomic, "
                "so concurrent requests can both pass the check and act twice",
        tags=("threads",),
    )

    flagged = (
        """
        import threading

        _ACCOUNT_LOCKS = {}

        def lock_for(account_id):
            if account_id not in _ACCOUNT_LOCKS:  # error: PG401
                _ACCOUNT_LOCKS[account_id] = threading.Lock()
            return _ACCOUNT_LOCKS[account_id]
        """,
        """
        PROCESSED = set()

        def handle_payment(event):
            if event["id"] not in PROCESSED:  # error: PG401
                charge(event["order_id"], event["amount"])
                PROCESSED.add(event["id"])
        """,
        """
        RESERVATIONS = {}

        def reserve(order_id, sku):
            if sku in RESERVATIONS:  # error: PG401
                notify_backorder(order_id, sku)
            else:
                RESERVATIONS[sku] = order_id
                decrement_stock(sku)
        """,
    )
    clean = (
        """
        import threading

        PROCESSED = set()
        LOCK = threading.Lock()

        def handle_payment(event):
            with LOCK:
                if event["id"] in PROCESSED:
                    return
                PROCESSED.add(event["id"])
            charge(event["order_id"], event["amount"])
        """,
        """
        _RATES = {}

        def rate(currency):
            if currency not in _RATES:
                _RATES[currency] = load_rate(currency)
            return _RATES[currency]

        def local_only(items):
            seen = set()
            for item in items:
                if item not in seen:
                    seen.add(item)
                    emit(item)
        """,
    )

    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        test = node.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1
                and isinstance(test.ops[0], (ast.In, ast.NotIn))):
            return
        function = ctx.function()
        if function is None or ctx.is_test_file:
            return
        name = is_module_name(ctx, test.comparators[0], function)
        if name is None or not self._acts(node, name) or under_lock(ctx):
            return
        ctx.report(node.test, name=name)

    @staticmethod
    def _acts(node: ast.If, name: str) -> bool:
        """The branches write to ``name`` and perform a side effect (a discarded call such as ``charge()``)."""
        writes = side_effects = 0
        branches = ast.Module(body=[*node.body, *node.orelse], type_ignores=[])
        for child in own_nodes(branches):
            if isinstance(child, ast.Call):
                func = child.func
                writes += (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                           and func.value.id == name and func.attr in MUTATORS)
            elif isinstance(child, ast.Subscript) and isinstance(child.ctx, ast.Store):
                writes += isinstance(child.value, ast.Name) and child.value.id == name
            elif isinstance(child, ast.Expr) and isinstance(child.value, ast.Call):
                side_effects += _is_side_effect(child.value, name)
            elif isinstance(child, ast.Assign) and _stores_lock(child, name):
                return True
        return writes > 0 and side_effects > 0


def _stores_lock(node: ast.Assign, name: str) -> bool:
    """``LOCKS[key] = threading.Lock()``: two racing threads get two different locks for one key."""
    value = node.value
    if not (isinstance(value, ast.Call) and any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name for t in node.targets)):
        return False
    func = value.func
    tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return tail in LOCK_TYPES


def _is_side_effect(call: ast.Call, name: str) -> bool:
    func = call.func
    tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(call)):
        return False
    return any(word in tail.lower() for word in SIDE_EFFECT_WORDS)
