from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedShellCommand(TaintRule):
    """
    ## What it does
    Finds untrusted input that reaches a shell: `os.system`, `os.popen`, `subprocess` with
    `shell=True`, or an argument list that starts a shell with `-c`.

    ## Why is this bad
    Shell metacharacters in the input (`;`, `$(...)`, backticks) start commands of the
    attacker's choosing with the service's privileges: data theft, crypto miners, lateral
    movement.

    ## Example
    ```python
    os.system(f"convert {request.args['name']} out.png")
    ```

    ## Use instead
    ```python
    subprocess.run(["convert", name, "out.png"], check=True, timeout=30)
    ```
    A list of arguments without a shell passes the input as one argument; `shlex.quote` if a shell is unavoidable.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG702",
        name="tainted-shell-command",
        category="security.injection.command",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        cwe=(cwe.OS_COMMAND_INJECTION,),
        message="untrusted {source} reaches the shell command of `{sink}`, so an attacker can run any program on the host",
        tags=("taint",),
    )
    sink = "command"

    flagged = (
        """
        import os
        from flask import request

        def thumbnail():
            name = request.args.get("image")
            os.system(f"convert {name} -resize 64x64 thumb.png")  # error: PG702
        """,
        """
        import subprocess
        from flask import request

        def ping():
            host = request.form["host"]
            argv = ["sh", "-c", "ping -c 1 " + host]
            return subprocess.run(argv, capture_output=True, timeout=10).stdout  # error: PG702
        """,
    )
    clean = (
        """
        import shlex
        import subprocess
        from flask import request

        def thumbnail():
            name = request.args.get("image")
            subprocess.run(["convert", name, "thumb.png"], check=True, timeout=30)
            subprocess.run(f"convert {shlex.quote(name)} thumb.png", shell=True, check=True, timeout=30)
        """,
    )
