from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.security._helpers import is_constant
from prodgate.static.taint import spec
from prodgate.static.taint.rule import analyse, reported_source

# Calls that hand their first argument to a shell.
SHELL_CALLS = frozenset({
    "os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "subprocess.getoutput",
    "subprocess.getstatusoutput", "commands.getoutput", "commands.getstatusoutput", "asyncio.create_subprocess_shell",
})
# Calls whose result cannot carry shell syntax.
QUOTING_CALLS = frozenset({"shlex.quote", "pipes.quote", "shlex.join", "int", "float", "len", "abs", "round"})


class ShellCommandBuiltFromData(Rule):
    """
    ## What it does
    Finds shell commands (`os.system`, `os.popen`, `subprocess.getoutput`, `subprocess` with
    `shell=True`) whose text is assembled from variables by an f-string, `%`, `.format` or `+`,
    without `shlex.quote` around them. Commands fed by request data are reported by PG702 instead.

    ## Why is this bad
    The shell parses the assembled text again: a file name with a space splits into two
    arguments, and one with `;`, `|`, backticks or `$(...)` runs another command. Values that look
    harmless where they are built (a file name from a directory listing, a setting, a parameter)
    come from somewhere an attacker or an unlucky user can reach, and the command breaks or
    does what they wrote.

    ## Example
    ```python
    def archive(folder: str) -> None:
        os.system("tar czf backup.tgz " + folder)
    ```

    ## Use instead
    ```python
    def archive(folder: str) -> None:
        subprocess.run(["tar", "czf", "backup.tgz", folder], check=True, timeout=300)
    ```
    A list of arguments without a shell passes each value as one argument; if the shell is
    needed (pipes, globbing), quote every value with `shlex.quote`.

    ## Known limitations
    Commands built in another function and passed in are not followed.

    ## References
    - https://docs.python.org/3/library/subprocess.html#security-considerations
    - https://cwe.mitre.org/data/definitions/78.html
    """

    meta = RuleMeta(
        code="PG717",
        name="shell-command-built-from-data",
        category="security.injection.command",
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        cwe=(cwe.OS_COMMAND_INJECTION,),
        message="the shell command of `{call}` is built from `{part}` unquoted, so spaces, `;` or `$(...)` in it change the command",
    )

    flagged = (
        """
        import os
        import subprocess

        def archive(folder, name):
            os.system("tar czf backup.tgz " + folder)  # error: PG717
            command = f"gzip -9 {name}"
            subprocess.call(command, shell=True)  # error: PG717
            template = "cp {source} {target}"
            subprocess.check_call(template.format(source=folder, target=name), shell=True)  # error: PG717
            return os.popen("du -sh %s" % folder).read()  # error: PG717
        """,
    )
    clean = (
        """
        import os
        import shlex
        import subprocess

        LIMIT = 10

        def archive(folder, count: int):
            os.system("tar czf backup.tgz " + shlex.quote(folder))
            subprocess.run(["gzip", "-9", folder], check=True, timeout=60)
            subprocess.call(f"ls | head -n {LIMIT}", shell=True)
            os.system("sleep %d" % int(count))
            os.system("sync")
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        if name in SHELL_CALLS:
            command = ctx.argument(node, 0, "command") or ctx.argument(node, 0, "cmd")
        elif name in spec.SUBPROCESS_CALLS and is_constant(ctx.argument(node, 99, "shell"), True):
            command = ctx.argument(node, 0, "args")
            if isinstance(command, (ast.List, ast.Tuple)) and command.elts:
                command = command.elts[0]
        else:
            return
        if isinstance(command, ast.Name):
            command = ctx.value_of(command) or command
        part = _unquoted_part(command, ctx) if command is not None else None
        if part is None or _reported_as_taint(node, ctx):
            return
        ctx.report(node, call=name, part=ast.unparse(part)[:60])


def _unquoted_part(command: ast.expr, ctx: FileContext) -> ast.expr | None:
    """The first variable formatted into ``command`` without quoting, if any."""
    parts: list[ast.expr] = []
    if isinstance(command, ast.JoinedStr):
        parts = [v.value for v in command.values if isinstance(v, ast.FormattedValue)]
    elif isinstance(command, ast.BinOp) and isinstance(command.op, (ast.Add, ast.Mod)):
        pending: list[ast.expr] = [command]
        while pending:
            current = pending.pop()
            if isinstance(current, ast.BinOp) and isinstance(current.op, (ast.Add, ast.Mod)):
                pending += [current.right, current.left]
            elif isinstance(current, (ast.Tuple, ast.List)) and current is command.right:
                parts += current.elts
            else:
                parts.append(current)
        if not any(isinstance(p, (ast.Constant, ast.JoinedStr)) and not isinstance(getattr(p, "value", ""), (int, float))
                   for p in parts):
            return None  # arithmetic, or a command passed through whole
    elif (isinstance(command, ast.Call) and isinstance(command.func, ast.Attribute) and command.func.attr == "format"
          and isinstance(command.func.value, (ast.Constant, ast.Name))):
        parts = [*command.args, *(k.value for k in command.keywords)]
    return next((p for p in parts if not _is_fixed(p, ctx)), None)


def _is_fixed(part: ast.expr, ctx: FileContext) -> bool:
    """A constant (also through a name), a nested f-string of constants, or a quoting call."""
    if isinstance(part, ast.Name):
        part = ctx.value_of(part) or part
    if isinstance(part, ast.Constant):
        return True
    if isinstance(part, ast.JoinedStr):
        return all(_is_fixed(v.value, ctx) for v in part.values if isinstance(v, ast.FormattedValue))
    if isinstance(part, ast.Call):
        return ctx.call_name(part) in QUOTING_CALLS
    return False


def _reported_as_taint(node: ast.Call, ctx: FileContext) -> bool:
    """PG702 reports this call already (request data reaches it)."""
    function = ctx.function()
    result = analyse(function if function is not None else ctx.tree, ctx)
    return any(hit.node is node and hit.kind == "command" and reported_source(hit.value) for hit in result.hits)
