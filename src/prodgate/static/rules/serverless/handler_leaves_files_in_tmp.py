from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes
from prodgate.static.rules.serverless._helpers import current_handler

WRITE_MODES = ("w", "a", "x")
REMOVERS = frozenset({"os.remove", "os.unlink", "shutil.rmtree", "shutil.move", "os.rename", "os.replace"})


class HandlerLeavesFilesInTmp(Rule):
    """
    ## What it does
    Finds a serverless handler that writes a file under `/tmp` whose name changes per
    invocation (`f"/tmp/{key}"`, `os.path.join("/tmp", name)`) and never removes it.

    ## Why is this bad
    `/tmp` of a warm Lambda or Cloud Functions instance survives between invocations, and it is
    small (512 MB by default on Lambda, and counted against memory on Cloud Functions). Every
    invocation leaves one more file: after a few hundred large settlement files the instance
    fails with `No space left on device` (or runs out of memory), while fresh instances work,
    so the failures look random.

    ## Example
    ```python
    def handler(event, context):
        key = event["Records"][0]["s3"]["object"]["key"]
        local_copy = f"/tmp/{os.path.basename(key)}"
        with open(local_copy, "w") as fh:
            fh.write(download(key))
    ```

    ## Use instead
    ```python
    def handler(event, context):
        key = event["Records"][0]["s3"]["object"]["key"]
        with tempfile.TemporaryDirectory() as scratch:
            local_copy = os.path.join(scratch, os.path.basename(key))
            with open(local_copy, "w") as fh:
                fh.write(download(key))
    ```
    Or process the data in memory or as a stream when it does not need to be a file.

    ## Known limitations
    Any removal call in the handler counts, whatever its argument. A path built by a helper
    function is not followed.
    """

    meta = RuleMeta(
        code="PG533",
        name="handler-leaves-files-in-tmp",
        category="serverless.state",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.HEAVY_INIT_IN_HOT_PATH, cwe.MISSING_RELEASE),
        message="handler `{function}` writes a new file under /tmp on each invocation and never removes "
                "it, so the instance's small /tmp fills up across warm invocations",
        tags=("aws-lambda", "serverless"),
    )

    flagged = (
        """
        import os

        def handler(event, context):
            for record in event["Records"]:
                key = record["s3"]["object"]["key"]
                local_copy = f"/tmp/{os.path.basename(key)}"  # error: PG533
                with open(local_copy, "w", encoding="utf-8") as fh:
                    fh.write(record["body"])
        """,
        """
        import os

        def lambda_handler(event, context):
            with open(os.path.join("/tmp", event["order_id"] + ".pdf"), "wb") as out:  # error: PG533
                out.write(render_invoice(event))
        """,
    )
    clean = (
        """
        import os

        def handler(event, context):
            local_copy = f"/tmp/{event['key']}"
            try:
                with open(local_copy, "w") as fh:
                    fh.write(event["body"])
                upload(local_copy)
            finally:
                os.remove(local_copy)

        def lambda_handler(event, context):
            with open("/tmp/last-run.json", "w") as fh:
                fh.write("{}")
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.call_name(node) != "open" or not node.args:
            return
        mode = ctx.argument(node, 1, "mode")
        if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and mode.value[:1] in WRITE_MODES):
            return
        handler = current_handler(ctx)
        if handler is None:
            return
        path = node.args[0]
        value = ctx.value_of(path) if isinstance(path, ast.Name) else path
        if value is not None and _varying_tmp_path(ctx, value) and not _removes(ctx, handler):
            ctx.report(value, function=handler.name)


def _varying_tmp_path(ctx: FileContext, path: ast.expr) -> bool:
    """``f"/tmp/{x}"``, ``"/tmp/" + x`` or ``os.path.join("/tmp", x)``."""
    if isinstance(path, ast.JoinedStr):
        first = path.values[0] if path.values else None
        return (isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("/tmp/")
                and any(isinstance(v, ast.FormattedValue) for v in path.values))
    if isinstance(path, ast.BinOp) and isinstance(path.op, ast.Add):
        left = path.left
        return isinstance(left, ast.Constant) and isinstance(left.value, str) and left.value.startswith("/tmp/")
    if isinstance(path, ast.Call) and ctx.call_name(path) == "os.path.join" and len(path.args) >= 2:
        first = path.args[0]
        return isinstance(first, ast.Constant) and first.value in ("/tmp", "/tmp/")
    return False


def _removes(ctx: FileContext, handler: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and (ctx.call_name(n) in REMOVERS
                                            or (isinstance(n.func, ast.Attribute) and n.func.attr == "unlink"))
               for n in function_nodes(ctx, handler))
