from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

SHARED_TEMP = ("/tmp/", "/var/tmp/", "/dev/shm/")
WRITE_MODES = ("w", "a", "x", "+")


class PredictableTempFile(Rule):
    """
    ## What it does
    Finds `tempfile.mktemp()` and files opened for writing at fixed paths in shared temporary
    directories (`open("/tmp/export.csv", "w")`).

    ## Why is this bad
    A name known in advance can be created first by another local user or process: a symlink
    planted there makes the service overwrite any file it can write, and two workers using the
    same fixed name corrupt each other's data.

    ## Example
    ```python
    path = tempfile.mktemp(suffix=".csv")
    ```

    ## Use instead
    ```python
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
        path = handle.name
    ```
    """

    meta = RuleMeta(
        code="PG740",
        name="predictable-temp-file",
        category="security.tempfile",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.INSECURE_TEMPFILE,),
        message="{what} uses a predictable name, so another process can pre-create or link it and hijack the write",
        tags=("filesystem",),
    )

    flagged = (
        """
        import tempfile

        def export(rows):
            path = tempfile.mktemp(suffix=".csv")  # error: PG740
            with open("/tmp/payments-export.csv", "w") as handle:  # error: PG740
                handle.write("\\n".join(rows))
            return path
        """,
    )
    clean = (
        """
        import tempfile

        def export(rows):
            with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
                handle.write("\\n".join(rows))
            with open("/tmp/payments-export.csv") as handle:
                return handle.read(), handle.name
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name == "tempfile.mktemp":
            ctx.report(node, what="`tempfile.mktemp()`")
            return
        if name not in ("open", "io.open", "codecs.open"):
            return
        path, mode = ctx.argument(node, 0, "file"), ctx.argument(node, 1, "mode")
        if not (isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value.startswith(SHARED_TEMP)):
            return
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(m in mode.value for m in WRITE_MODES):
            ctx.report(node, what=f"a file opened for writing in {path.value.rsplit('/', 1)[0]}/")
