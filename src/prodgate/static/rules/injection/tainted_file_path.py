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

    ## Known limitations
    A FastAPI parameter is the application's own object, not request data, when its default or
    its `Annotated[...]` metadata is `Depends(...)`, inline or through a type alias of the same
    module; an alias imported from another module (`SessionDep` from `app.api.deps`) is not
    followed, so such a parameter still counts as request data.
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
        """
        import os

        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/reports/{name}")
        def named_report(name: str):
            with open(os.path.join("/srv/reports", name)) as handle:  # error: PG708
                return {"rows": handle.read().splitlines()}
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
        """
        import os
        import shutil
        from typing import Annotated

        from fastapi import APIRouter, Depends
        from pydantic import UUID4

        from app.config import Settings, get_settings

        router = APIRouter()
        SettingsDep = Annotated[Settings, Depends(get_settings)]

        @router.get("/reports/latest")
        def latest_report(settings: SettingsDep):
            with open(os.path.join(settings.report_dir, "latest.csv")) as handle:
                return {"rows": handle.read().splitlines()}

        @router.get("/reports/archive")
        def archived_report(settings: Settings = Depends(get_settings)):
            with open(os.path.join(settings.report_dir, "archive.csv")) as handle:
                return {"rows": handle.read().splitlines()}

        @router.delete("/reports/{report_id}")
        def delete_report(report_id: UUID4 | None = None):
            shutil.rmtree(os.path.join("/srv/reports", str(report_id)))
        """,
    )
