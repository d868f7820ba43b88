from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.serverless._helpers import current_handler

WRITE_MODES = ("w", "a", "x")
DIRECTORY_MAKERS = frozenset({"os.makedirs", "os.mkdir"})


class HandlerWritesOutsideTmp(Rule):
    """
    ## What it does
    Finds a serverless handler that opens a literal path outside `/tmp` for writing, or creates
    a directory there (`os.makedirs("exports")`).

    ## Why is this bad
    AWS Lambda, Google Cloud Functions and Azure Functions run the code from a read-only file
    system: only `/tmp` is writable. The handler works on the developer's laptop and in a local
    emulator, then fails on its first real invocation with `OSError: [Errno 30] Read-only file
    system`. Even where a write succeeds, the file disappears with the instance.

    ## Example
    ```python
    def handler(event, context):
        with open("receipts/latest.json", "w") as out:
            json.dump(event, out)
    ```

    ## Use instead
    ```python
    def handler(event, context):
        s3.put_object(Bucket=RECEIPTS, Key=f"{event['order_id']}.json", Body=json.dumps(event))
    ```
    Write scratch files under `/tmp` (from `tempfile`) and durable data to object storage or a
    database.

    ## Known limitations
    Only literal paths are checked; a path built from configuration is not.
    """

    meta = RuleMeta(
        code="PG531",
        name="handler-writes-outside-tmp",
        category="serverless.state",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.HEAVY_INIT_IN_HOT_PATH,),
        message="handler `{function}` writes to `{path}` outside /tmp, which fails on the read-only "
                "file system of a function runtime",
        tags=("aws-lambda", "serverless"),
    )

    flagged = (
        """
        import json

        def handler(event, context):
            with open("receipts/latest.json", "w") as out:  # error: PG531
                json.dump(event, out)
        """,
        """
        import os

        def lambda_handler(event, context):
            os.makedirs("/var/exports", exist_ok=True)  # error: PG531
        """,
    )
    clean = (
        """
        import json

        def handler(event, context):
            with open("/tmp/latest.json", "w") as out:
                json.dump(event, out)
            with open("config/settings.json") as config:
                return json.load(config)

        def export(event):
            with open("receipts/latest.json", "w") as out:
                json.dump(event, out)
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name == "open":
            mode = ctx.argument(node, 1, "mode")
            if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and mode.value[:1] in WRITE_MODES):
                return
        elif name not in DIRECTORY_MAKERS:
            return
        path = node.args[0] if node.args else None
        if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
            return
        if path.value == "/tmp" or path.value.startswith(("/tmp/", "/dev/")):
            return
        handler = current_handler(ctx)
        if handler is not None:
            ctx.report(node, function=handler.name, path=path.value)
