from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import is_command_line_code, own_nodes

CHECKS = frozenset({"os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.lexists", "os.access"})
WRITE_MODES = ("w", "x", "a")


class FilesystemCheckThenAct(Rule):
    """
    ## What it does
    Finds a file-system check (`os.path.exists`, `isfile`, `isdir`, `os.access`) whose branch then
    acts on the same path: `os.makedirs` without `exist_ok=True`, `os.mkdir`, `open()` for
    writing (`"w"`/`"x"`), or `open()` after `os.access`.

    ## Why is this bad
    Between the check and the act another worker, process or cron job can create or delete the
    path. Two requests that both see "missing" then both call `os.makedirs`: one crashes with
    `FileExistsError`. Two that both see "present" then both delete: one gets
    `FileNotFoundError`. `os.access` followed by `open` is the textbook time-of-check/time-of-use
    hole. These are rare, load-dependent 500s that nobody can reproduce.

    ## Example
    ```python
    if not os.path.exists(export_dir):
        os.makedirs(export_dir)
    ```

    ## Use instead
    ```python
    os.makedirs(export_dir, exist_ok=True)
    ```
    Likewise `open(path, "x")` to create only if missing, and `try: os.remove(path)` /
    `except FileNotFoundError: pass` to delete.

    ## Known limitations
    The path must be the same expression in the check and the act; a path rebuilt in between is
    not recognised. An act inside `try:` with an `except` clause is assumed to handle the race.
    `if exists: os.remove(path)` is not reported: it only fails when something else deletes
    the same file at the same moment, which is rare outside deliberate clean-up races. Test
    files, management commands and scripts are not checked.
    """

    meta = RuleMeta(
        code="PG403",
        name="filesystem-check-then-act",
        category="concurrency.race",
        severity=Severity.LOW,
        confidence=Confidence.HIGH,
        cwe=(cwe.CHECK_THEN_ACT, cwe.RACE_CONDITION),
        message="`{check}` then `{act}` on the same path is not atomic, so a concurrent worker can "
                "change the path in between and make this call fail",
        tags=("files",),
    )

    flagged = (
        """
        import os

        def export_path(export_dir, order_id):
            if not os.path.exists(export_dir):  # error: PG403
                os.makedirs(export_dir)
            return os.path.join(export_dir, f"{order_id}.csv")
        """,
        """
        import os

        def claim_receipt(path, body):
            if not os.path.isfile(path):  # error: PG403
                with open(path, "x") as out:
                    out.write(body)

        def read_key(path):
            if os.access(path, os.R_OK):  # error: PG403
                with open(path) as handle:
                    return handle.read()
        """,
    )
    clean = (
        """
        import os

        def export_path(export_dir, order_id):
            os.makedirs(export_dir, exist_ok=True)
            if not os.path.exists(export_dir):
                os.makedirs(export_dir, exist_ok=True)
            return os.path.join(export_dir, f"{order_id}.csv")

        def load(path):
            if os.path.exists(path):
                with open(path) as handle:
                    return handle.read()
        """,
        """
        import os

        def drop_receipt(path, other):
            if os.path.isfile(path):
                os.remove(path)

        def drop_quietly(path):
            if os.path.exists(path):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass
        """,
    )

    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        checks = [n for n in ast.walk(node.test) if isinstance(n, ast.Call) and ctx.call_name(n) in CHECKS]
        if not checks or ctx.function() is None or ctx.is_test_file or is_command_line_code(ctx):
            return
        if any(isinstance(a, ast.Try) and a.handlers for a in ctx.ancestors()):
            return
        for check in checks:
            if not check.args:
                continue
            path = ast.dump(check.args[0])
            check_name = ctx.call_name(check) or ""
            for act in self._acts(node, ctx, path, check_name):
                ctx.report(check, check=check_name, act=ctx.call_name(act))
                return

    def _acts(self, node: ast.If, ctx: FileContext, path: str, check: str) -> list[ast.Call]:
        branches = ast.Module(body=[*node.body, *node.orelse], type_ignores=[])
        handled = {id(n) for t in own_nodes(branches) if isinstance(t, ast.Try) and t.handlers
                   for s in t.body for n in ast.walk(s)}
        return [n for n in own_nodes(branches) if isinstance(n, ast.Call) and n.args and id(n) not in handled
                and ast.dump(n.args[0]) == path and self._is_act(n, ctx, check)]

    @staticmethod
    def _is_act(call: ast.Call, ctx: FileContext, check: str) -> bool:
        name = ctx.call_name(call)
        if name == "os.makedirs":
            exist_ok = ctx.argument(call, 2, "exist_ok")
            return not (isinstance(exist_ok, ast.Constant) and exist_ok.value is True)
        if name == "os.mkdir":
            return True
        if name == "open":
            if check == "os.access":
                return True
            mode = ctx.argument(call, 1, "mode")
            return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and mode.value.startswith(WRITE_MODES[:2])
        return False
