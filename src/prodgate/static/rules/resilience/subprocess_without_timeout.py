from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import constructor_call, is_service_code

RUNNERS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output"})
POPEN = "subprocess.Popen"
# Popen method -> position of its ``timeout`` parameter.
WAITS = {"communicate": 1, "wait": 0}


def _literal_command(ctx: FileContext, call: ast.Call) -> bool:
    """True when the command is written in the code: a string, an f-string, or a list naming a program."""
    command = ctx.argument(call, 0, "args")
    if isinstance(command, ast.Name):
        command = ctx.value_of(command)
    if isinstance(command, (ast.List, ast.Tuple)) and command.elts:
        command = command.elts[0]
    return isinstance(command, ast.JoinedStr) or (isinstance(command, ast.Constant) and isinstance(command.value, str))


class SubprocessWithoutTimeout(Rule):
    """
    ## What it does
    Finds `subprocess.run`, `call`, `check_call` and `check_output` running a fixed program
    (the command is written in the code) without `timeout=`, and `communicate()`/`wait()` without
    a timeout on a `Popen` of such a command, in service code.

    ## Why is this bad
    A converter stuck on a malformed PDF, `gzip` waiting on a full disk or a CLI prompting for a
    password never returns. The worker that started it waits with it, holding its request or
    task slot; enough such inputs and the service stops processing anything.

    ## Example
    ```python
    subprocess.run(["gzip", "--keep", path], check=True)
    ```

    ## Use instead
    ```python
    subprocess.run(["gzip", "--keep", path], check=True, timeout=120)
    ```
    `subprocess.TimeoutExpired` is raised and the child killed when the limit passes.

    ## Known limitations
    Tests, scripts, management commands (`management/`, `scripts/`, `bin/`, `tools/`) and code
    under `if __name__ == "__main__":` are not checked: an operator is watching them. Commands
    built elsewhere (a variable holding the argument list) are not reported, because they are
    often interactive children such as a database shell or a reloaded server that must run for
    as long as they like.

    ## References
    - https://docs.python.org/3/library/subprocess.html#subprocess.run
    """

    meta = RuleMeta(
        code="PG105",
        name="subprocess-without-timeout",
        category="resilience.timeout",
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` has no timeout, so a child process that hangs blocks this worker forever",
        tags=("subprocess",),
    )

    flagged = (
        """
        import subprocess

        def compress_report(path):
            subprocess.run(["gzip", "--keep", "--force", path], check=True)  # error: PG105
            return path + ".gz"
        """,
        """
        import subprocess

        def render_thumbnail(source, out_path):
            subprocess.check_output(f"convert {source}[0] -thumbnail 400x {out_path}", shell=True)  # error: PG105
        """,
        """
        from subprocess import PIPE, Popen

        def sign_statement(pdf_bytes):
            proc = Popen(["gpg", "--detach-sign", "--armor"], stdin=PIPE, stdout=PIPE)
            signature, _ = proc.communicate(pdf_bytes)  # error: PG105
            return signature
        """,
    )
    clean = (
        """
        import subprocess

        def compress_report(path, args):
            subprocess.run(["gzip", "--keep", path], check=True, timeout=120)
            subprocess.run(args, check=True)
            proc = subprocess.Popen(["gpg", "--sign"], stdin=subprocess.PIPE)
            proc.communicate(b"data", 30)
            proc.wait(timeout=5)
        """,
        """
        import subprocess

        if __name__ == "__main__":
            subprocess.run(["alembic", "upgrade", "head"], check=True)
        """,
        Example(
            """
            import subprocess

            def handle():
                subprocess.run(["pg_dump", "payments"], check=True)
            """,
            path="app/management/commands/backup.py",
        ),
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in WAITS:
            popen = constructor_call(ctx, func.value)
            if (popen is not None and ctx.call_name(popen) == POPEN and _literal_command(ctx, popen)
                    and ctx.argument(node, WAITS[func.attr], "timeout") is None and is_service_code(ctx)):
                ctx.report(node, call=f"Popen.{func.attr}")
            return
        name = ctx.call_name(node)
        if (name in RUNNERS and ctx.keyword(node, "timeout") is None and not ctx.has_splat(node)
                and _literal_command(ctx, node) and is_service_code(ctx)):
            ctx.report(node, call=name)
