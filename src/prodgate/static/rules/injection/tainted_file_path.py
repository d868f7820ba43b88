from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedFilePath(TaintRule):
    """
    ## What it does
    Finds untrusted input that chooses a file path: `open`, `os`/`shutil` file operations,
    `pathlib.Path` reads and writes, `send_file`.

    ## Why is this bad
    `../../etc/passwd` or an absolute path escapes the upload or report directory: attackers
    read configuration and keys, or overwrite code.

    ## Example
    ```python
    return open(os.path.join(REPORTS, request.args["name"])).read()
    ```

    ## Use instead
    ```python
    path = (REPORTS / request.args["name"]).resolve()
    if not path.is_relative_to(REPORTS):
        abort(404)
    return path.read_text()
    ```
    Or `werkzeug.utils.secure_filename`, or `flask.send_from_directory`.
    ```python
    ```
    """

    meta = RuleMeta(
        code="PG708",
        name="tainted-file-path",
        category="security.path-traversal",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.PATH_TRAVERSAL,),
        message="untrusted {source} chooses the file path of `{sink}`, so `../` can reach files outside the intended directory",
        tags=("taint",),
    )
    sink = "path"

    flagged = (
        """
        import os
        from flask import request

        REPORTS = "/srv/reports"

        def report():
            name = request.args.get("name")
            with open(os.path.join(REPORTS, name)) as handle:  # error: PG708
                return handle.read()
        """,
    )
    clean = (
        """
        import pathlib
        from flask import request, abort
        from werkzeug.utils import secure_filename

        REPORTS = pathlib.Path("/srv/reports")

        def report():
            path = (REPORTS / request.args.get("name")).resolve()
            if not str(path).startswith(str(REPORTS)):
                abort(404)
            return path.read_text()

        def upload():
            name = secure_filename(request.files["file"].filename)
            with open(os.path.join("/srv/uploads", name), "wb") as handle:
                handle.write(b"")
        """,
    )
