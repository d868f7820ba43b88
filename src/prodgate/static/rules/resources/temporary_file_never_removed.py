from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes, names_in

REMOVERS = frozenset({
    "os.remove", "os.unlink", "os.rename", "os.renames", "os.replace", "shutil.move", "shutil.rmtree",
    "os.removedirs",
})
REMOVE_METHODS = frozenset({"unlink", "rename", "replace", "cleanup", "remove"})


class TemporaryFileNeverRemoved(Rule):
    """
    ## What it does
    Finds `tempfile.NamedTemporaryFile(delete=False)` and `tempfile.mkstemp()` in a function
    that neither removes (`os.unlink`, `os.remove`, `Path.unlink`) nor moves the file, nor
    returns or stores it for someone else to clean up.

    ## Why is this bad
    `delete=False` and `mkstemp` hand the clean-up to the caller. When nobody does it, every
    request leaves a file in `/tmp`: after a few days of traffic the disk (or the tmpfs that
    counts against the container's memory) is full and every write in the service fails.

    ## Example
    ```python
    def render_invoice(order):
        tmp = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
        tmp.write(build_pdf(order))
        tmp.close()
        upload_to_bucket(tmp.name, f"invoices/{order.id}.pdf")
    ```

    ## Use instead
    ```python
    def render_invoice(order):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(build_pdf(order))
            tmp.flush()
            upload_to_bucket(tmp.name, f"invoices/{order.id}.pdf")
    ```
    Or remove the file in a `finally:` block.

    ## Known limitations
    Any removal call anywhere in the function counts, even on another path, and so does passing
    `os.remove` as a callback. Generators and context managers (functions that `yield`) are
    assumed to hand the file to their consumer. Test files are not checked.
    """

    meta = RuleMeta(
        code="PG304",
        name="temporary-file-never-removed",
        category="resource.leak",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.MISSING_RELEASE,),
        message="`{call}` creates a temporary file that is never removed, so every call leaves a file "
                "behind until the disk fills",
        tags=("files",),
    )

    flagged = (
        """
        import tempfile

        def render_invoice(order):
            tmp = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)  # error: PG304
            tmp.write(build_pdf(order))
            tmp.close()
            upload_to_bucket(tmp.name, f"invoices/{order.id}.pdf")
        """,
        """
        import os
        import tempfile

        def sign_payload(payload):
            fd, path = tempfile.mkstemp(suffix=".json")  # error: PG304
            with os.fdopen(fd, "w") as out:
                out.write(payload)
            return run_signer(path)
        """,
    )
    clean = (
        """
        import os
        import tempfile

        def render_invoice(order):
            tmp = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
            try:
                tmp.write(build_pdf(order))
                tmp.close()
                upload_to_bucket(tmp.name, f"invoices/{order.id}.pdf")
            finally:
                os.unlink(tmp.name)

        def write_atomically(path, data):
            fd, tmp_path = tempfile.mkstemp(dir=os.path.dirname(path))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp_path, path)
        """,
        """
        import os
        import tempfile

        def stage_upload(data):
            tmp = tempfile.NamedTemporaryFile(delete=False)
            tmp.write(data)
            tmp.close()
            return tmp.name

        def scratch(data):
            with tempfile.NamedTemporaryFile() as tmp:
                tmp.write(data)

        def adjacent_tmp(path):
            with tempfile.NamedTemporaryFile(delete=False, dir=".") as f:
                yield f

        def compile_script(execute):
            fd, script = tempfile.mkstemp(".py")
            execute(os.remove, (script,))
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        call = ctx.call_name(node)
        if call == "tempfile.NamedTemporaryFile":
            delete = ctx.keyword(node, "delete")
            if delete is None or not (isinstance(delete.value, ast.Constant) and delete.value.value is False):
                return
        elif call != "tempfile.mkstemp":
            return
        function = ctx.function()
        if function is None or ctx.is_test_file:
            return
        names = self._bound_names(ctx)
        if not self._cleaned_up(ctx, function, names):
            ctx.report(node, call=call)

    @staticmethod
    def _bound_names(ctx: FileContext) -> set[str]:
        parent = ctx.parent()
        if isinstance(parent, ast.Assign):
            return set().union(*(names_in(t) for t in parent.targets))
        if isinstance(parent, ast.withitem) and parent.optional_vars is not None:
            return names_in(parent.optional_vars)
        return set()

    @staticmethod
    def _cleaned_up(ctx: FileContext, function: ast.AST, names: set[str]) -> bool:
        for node in function_nodes(ctx, function):
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return True  # a generator or context manager hands the file to its consumer
            if isinstance(node, ast.Attribute) and ctx.qualname(node) in REMOVERS:
                return True  # ``os.remove(p)``, or ``os.remove`` passed on as a callback
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in REMOVE_METHODS):
                return True
            if isinstance(node, ast.Return) and node.value is not None:
                if names & names_in(node.value) and not isinstance(node.value, ast.Call):
                    return True
            elif (isinstance(node, ast.Assign) and any(not isinstance(t, ast.Name) for t in node.targets)
                    and names & names_in(node.value)):
                return True
        return not names
