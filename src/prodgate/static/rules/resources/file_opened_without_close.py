from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resources._helpers import is_released, local_target

OPENERS = frozenset({"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"})
CLOSE = frozenset({"close"})


class FileOpenedWithoutClose(Rule):
    """
    ## What it does
    Finds a file opened with `open()` (or `io`/`codecs`/`gzip` equivalents) into a local
    variable that the function never closes, never uses in a `with` block, and never hands on
    (returns, stores on an attribute or container, or passes to a call that may take ownership).

    ## Why is this bad
    The file descriptor stays open until the garbage collector happens to finalise the object.
    When an exception unwinds the function, the traceback keeps the frame (and the file) alive;
    under load a worker runs out of descriptors (`OSError: [Errno 24] Too many open files`), and
    data written to an unclosed file may still sit in the buffer when the process is killed, so
    the export or receipt on disk is truncated.

    ## Example
    ```python
    def export_orders(rows, path):
        out = open(path, "w")
        out.write(render_csv(rows))
    ```

    ## Use instead
    ```python
    def export_orders(rows, path):
        with open(path, "w") as out:
            out.write(render_csv(rows))
    ```

    ## Known limitations
    A file closed through an alias (`handle = f; handle.close()`) counts as a leak. Any call
    that receives the file or one of its bound methods (`setwriter(f.write)`), other than
    well-known readers such as `json.load`, is assumed to take ownership of it, and so is a
    nested function that refers to it (a clean-up callback). Test files are not checked.
    """

    meta = RuleMeta(
        code="PG301",
        name="file-opened-without-close",
        category="resource.leak",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.MISSING_RELEASE, cwe.RELEASE_AFTER_LIFETIME),
        message="file `{name}` is opened and never closed, so an error path leaks its descriptor "
                "and buffered writes can be lost",
        tags=("files",),
    )

    flagged = (
        """
        import csv

        def export_orders(orders, path):
            out = open(path, "w", newline="")  # error: PG301
            writer = csv.writer(out)
            for order in orders:
                writer.writerow([order.id, order.total])
        """,
        """
        import json

        def load_price_table(path):
            handle = open(path)  # error: PG301
            prices = json.load(handle)
            return {sku: int(cents) for sku, cents in prices.items()}
        """,
    )
    clean = (
        """
        import json

        def load_price_table(path):
            with open(path) as handle:
                return json.load(handle)

        def append_audit(path, line):
            log = open(path, "a")
            try:
                log.write(line)
            finally:
                log.close()
        """,
        """
        class ReceiptWriter:
            def __init__(self, path):
                handle = open(path, "ab")
                self.handle = handle

        def open_report(path):
            report = open(path)
            return report

        def open_many(paths, stack):
            for path in paths:
                f = open(path)
                stack.enter_context(f)

        def enable_debug(config, path):
            debugfile = open(path, "w")
            config.trace.setwriter(debugfile.write)

            def unset():
                debugfile.close()

            config.add_cleanup(unset)
        """,
        """
        def read_all(path):
            return open(path).read()
        """,
    )

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not isinstance(node.value, ast.Call) or ctx.call_name(node.value) not in OPENERS:
            return
        name = local_target(ctx, node)
        if name is not None and not is_released(ctx, name, CLOSE, node):
            ctx.report(node, name=name)
