from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext

SANITIZERS = frozenset({"secure_filename", "basename", "get_valid_filename", "uuid4", "token_hex", "token_urlsafe"})


def _mentions_filename(node: ast.expr) -> bool:
    """The expression uses an uploaded file's ``.filename`` and nothing that sanitizes it."""
    uses = False
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            callee = child.func.attr if isinstance(child.func, ast.Attribute) else getattr(child.func, "id", "")
            if callee in SANITIZERS:
                return False
        if isinstance(child, ast.Attribute) and child.attr == "filename":
            uses = True
    return uses


class UploadedFilenameTrusted(Rule):
    """
    ## What it does
    Finds uploaded files saved under the name the client sent (`upload.save(os.path.join(DIR,
    upload.filename))`, or opened for writing at such a path) without `secure_filename` or a
    generated name.

    ## Why is this bad
    The client chooses the name: `../../app/config.py` overwrites code, `avatar.php` or
    `report.html` is served back with a dangerous type, and two users uploading `photo.jpg`
    overwrite each other.

    ## Example
    ```python
    upload.save(os.path.join(UPLOADS, upload.filename))
    ```

    ## Use instead
    ```python
    name = f"{uuid.uuid4().hex}{Path(secure_filename(upload.filename)).suffix}"
    upload.save(UPLOADS / name)
    ```

    ## Known limitations
    Django storages (`default_storage.save(upload.name, upload)`) are not covered: they
    sanitize names themselves unless configured otherwise.
    """

    meta = RuleMeta(
        code="PG780",
        name="uploaded-filename-trusted",
        category="security.upload",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNRESTRICTED_UPLOAD, cwe.PATH_TRAVERSAL),
        message="an upload is saved under the client's file name, so a crafted name can overwrite files or plant executable content",
        tags=("web", "upload"),
    )

    flagged = (
        """
        import os
        from flask import request

        UPLOADS = "/srv/uploads"

        def upload_receipt():
            upload = request.files["receipt"]
            upload.save(os.path.join(UPLOADS, upload.filename))  # error: PG780
            with open(f"{UPLOADS}/{upload.filename}", "wb") as handle:  # error: PG780
                handle.write(upload.read())
        """,
    )
    clean = (
        """
        import os
        import uuid
        from flask import request
        from werkzeug.utils import secure_filename

        UPLOADS = "/srv/uploads"

        def upload_receipt():
            upload = request.files["receipt"]
            upload.save(os.path.join(UPLOADS, secure_filename(upload.filename)))
            upload.save(os.path.join(UPLOADS, uuid.uuid4().hex))
            return upload.filename
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        target = None
        if isinstance(func, ast.Attribute) and func.attr == "save" and node.args:
            target = node.args[0]
        elif ctx.call_name(node) in ("open", "io.open") and node.args:
            mode = ctx.argument(node, 1, "mode")
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(m in mode.value for m in "wax"):
                target = node.args[0]
        if target is not None and _mentions_filename(target):
            ctx.report(node)
