from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import is_module_name, module_mutables
from prodgate.static.rules.serverless._helpers import current_handler

GROWERS = frozenset({"append", "extend", "add", "insert", "appendleft"})


class HandlerMutatesModuleState(Rule):
    """
    ## What it does
    Finds a serverless handler that appends to or adds to a module-level list, set or deque
    (`RESULTS.append(...)`, `SEEN.add(...)`). The finding points at the collection's definition,
    once per handler.

    ## Why is this bad
    A warm instance keeps module state between invocations, but only on that instance: the
    list keeps every earlier invocation's items (so a response or batch includes other
    customers' data, and memory grows until the instance is recycled), while a set used for
    deduplication only knows what this one instance saw, so duplicates pass whenever another
    instance (or a fresh one after scale-out) handles the retry.

    ## Example
    ```python
    processed = []

    def handler(event, context):
        for record in event["Records"]:
            processed.append(handle(record))
        return {"processed": processed}
    ```

    ## Use instead
    ```python
    def handler(event, context):
        processed = [handle(record) for record in event["Records"]]
        return {"processed": processed}
    ```
    Keep per-invocation data local; keep shared state (dedup keys, counters) in DynamoDB,
    Redis or the database.

    ## Known limitations
    Dict caches filled under a `not in` check (`CLIENTS[name] = boto3.client(name)`) are
    deliberate warm-start caches and are not reported.
    """

    meta = RuleMeta(
        code="PG532",
        name="handler-mutates-module-state",
        category="serverless.state",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.HEAVY_INIT_IN_HOT_PATH,),
        message="handler `{function}` grows module-level `{name}`, which persists across warm "
                "invocations on one instance only",
        tags=("aws-lambda", "serverless"),
    )

    flagged = (
        """
        processed = []  # error: PG532

        def handler(event, context):
            for record in event["Records"]:
                processed.append(record["messageId"])
            return {"processed": processed}
        """,
        """
        SEEN_ORDERS: set[str] = set()  # error: PG532

        def lambda_handler(event, context):
            if event["order_id"] in SEEN_ORDERS:
                return {"status": "duplicate"}
            SEEN_ORDERS.add(event["order_id"])
            SEEN_ORDERS.add(event["request_id"])
            return charge(event)
        """,
    )
    clean = (
        """
        import boto3

        CLIENTS = {}
        DEFAULTS = []

        def handler(event, context):
            processed = []
            for record in event["Records"]:
                processed.append(record["messageId"])
            if "sqs" not in CLIENTS:
                CLIENTS["sqs"] = boto3.client("sqs")
            return processed

        def register(item):
            DEFAULTS.append(item)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in GROWERS and isinstance(func.value, ast.Name)):
            return
        handler = current_handler(ctx)
        if handler is None:
            return
        name = is_module_name(ctx, func.value, handler)
        reported = ctx.state().setdefault("reported", set())
        if name is not None and (handler.name, name) not in reported:
            reported.add((handler.name, name))
            ctx.report(module_mutables(ctx)[name], function=handler.name, name=name)
