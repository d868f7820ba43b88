from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext

STAT_BITS = {
    "S_ISUID": 0o4000, "S_ISGID": 0o2000, "S_ISVTX": 0o1000,
    "S_IRWXU": 0o700, "S_IRUSR": 0o400, "S_IWUSR": 0o200, "S_IXUSR": 0o100,
    "S_IRWXG": 0o070, "S_IRGRP": 0o040, "S_IWGRP": 0o020, "S_IXGRP": 0o010,
    "S_IRWXO": 0o007, "S_IROTH": 0o004, "S_IWOTH": 0o002, "S_IXOTH": 0o001,
}
WORLD_WRITE = 0o002
# Calls that set a mode as given (creation calls such as ``os.makedirs`` pass theirs through the umask).
MODE_CALLS = {"os.chmod": 1, "os.fchmod": 1, "os.lchmod": 1}
PATH_METHODS = {"chmod": 0, "lchmod": 0}
PATH_CONSTRUCTORS = frozenset({"pathlib.Path", "pathlib.PosixPath"})
OPERATORS: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor, ast.Add: operator.add,
}


def mode_value(node: ast.expr | None, ctx: FileContext) -> int | None:
    """The integer a literal mode expression evaluates to (``0o777``, ``stat.S_IRWXU | stat.S_IRWXO``)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, (ast.Attribute, ast.Name)):
        name = ctx.qualname(node) or ""
        if name.startswith("stat."):
            return STAT_BITS.get(name[5:])
        return None
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        left, right = mode_value(node.left, ctx), mode_value(node.right, ctx)
        if left is not None and right is not None:
            return OPERATORS[type(node.op)](left, right)
    return None


class PermissiveFileMode(Rule):
    """
    ## What it does
    Finds files and directories made world-writable in code: `os.chmod(path, 0o777)`,
    `Path.chmod(0o666)`, modes built from `stat.S_IWOTH` or `stat.S_IRWXO`, and `os.umask(0)`
    whose previous value is not kept for restoring.

    ## Why is this bad
    Any local user or compromised process on the host (another container sharing a volume, a
    CI job, a web shell in a neighbouring app) can then replace reports, uploads, configuration
    or code the service later trusts and executes. A process-wide `umask(0)` makes every file
    the service creates afterwards world-writable, far from the line that caused it.

    ## Example
    ```python
    os.makedirs(report_dir, exist_ok=True)
    os.chmod(report_dir, 0o777)  # the SFTP user needs to read the reports
    ```

    ## Use instead
    ```python
    os.makedirs(report_dir, mode=0o750, exist_ok=True)
    shutil.chown(report_dir, group="finance-sftp")
    ```
    Share files through a group (`0o750`/`0o640`) rather than with everyone.

    ## Known limitations
    Only literal modes are evaluated; a mode read from settings is trusted. World-readable
    modes (`0o644`) are not reported. Creation modes (`os.makedirs(path, mode=0o777)`,
    `os.open(path, flags, 0o666)`) are not reported: the process umask still applies to them,
    and those values are the defaults that every `open()` and `mkdir()` use. Test files are
    not checked: a test changes modes of the temporary files it made to exercise error paths.

    ## References
    - https://cwe.mitre.org/data/definitions/732.html
    """

    meta = RuleMeta(
        code="PG606",
        name="permissive-file-mode",
        category="security.config",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.INSECURE_PERMISSIONS, cwe.INCORRECT_DEFAULT_PERMISSIONS),
        message="`{call}` makes {what} world-writable, so any local user or process can tamper with it",
        tags=("filesystem",),
    )

    flagged = (
        """
        import os

        def ensure_report_dir(path):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, 0o777)  # error: PG606
            return path
        """,
        """
        import os
        import stat
        from pathlib import Path

        def export(path, rows):
            os.makedirs("/var/exports/outgoing", mode=0o777, exist_ok=True)
            Path(path).chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)  # error: PG606
            os.chmod(path, 0o666)  # error: PG606
        """,
        """
        import os

        def start_worker():
            os.umask(0)  # error: PG606
        """,
    )
    clean = (
        Example(
            """
            import os

            def test_unreadable_template_is_reported(tmp_path):
                template = tmp_path / "index.html"
                template.write_text("hello")
                os.chmod(template, 0o777)
            """,
            path="tests/template_tests/test_loaders.py",
        ),
        """
        import os
        import stat

        def ensure_report_dir(path, settings):
            os.makedirs(path, mode=0o750, exist_ok=True)
            os.chmod(path, stat.S_IRWXU | stat.S_IRGRP)
            os.chmod(path, settings.FILE_UPLOAD_PERMISSIONS)
            os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
        """,
        """
        import os

        def write_private(path, data):
            old = os.umask(0)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            finally:
                os.umask(old)
            return fd
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        name = ctx.call_name(node)
        if name == "os.umask":
            if isinstance(ctx.parent(), ast.Expr) and self._world_writable_mask(node, ctx):
                ctx.report(node, call="os.umask", what="every file this process creates")
            return
        if name in MODE_CALLS:
            mode = ctx.argument(node, MODE_CALLS[name], "mode")
        elif (isinstance(node.func, ast.Attribute) and node.func.attr in PATH_METHODS
              and ctx.constructor_name(node.func.value) in PATH_CONSTRUCTORS):
            mode = ctx.argument(node, PATH_METHODS[node.func.attr], "mode")
        else:
            return
        value = mode_value(mode, ctx)
        if value is not None and value & WORLD_WRITE:
            ctx.report(node, call=ast.unparse(node.func), what="this path")

    @staticmethod
    def _world_writable_mask(node: ast.Call, ctx: FileContext) -> bool:
        value = mode_value(node.args[0] if node.args else None, ctx)
        return value is not None and not value & WORLD_WRITE
