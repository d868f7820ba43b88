from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext

WHOLE_BODY = frozenset({"content", "text"})


class StreamedResponseReadWhole(Rule):
    """
    ## What it does
    Finds a `requests` response fetched with `stream=True` whose whole body is then read at once
    through `.content`, `.text`, `.json()` or `.raw.read()` without a size, and an S3 object's
    `Body` stream (`s3.get_object(...)["Body"].read()`) read whole.

    ## Why is this bad
    `stream=True` is how code says "this download can be large". Reading `.content` afterwards
    buffers the entire body in memory anyway: a multi-gigabyte export or a hostile server that
    never stops sending fills the worker's memory and gets the container OOM-killed, taking
    every in-flight request with it.

    ## Example
    ```python
    resp = requests.get(statement_url, stream=True, timeout=30)
    with open(dest, "wb") as out:
        out.write(resp.content)
    ```

    ## Use instead
    ```python
    with requests.get(statement_url, stream=True, timeout=30) as resp:
        resp.raise_for_status()
        with open(dest, "wb") as out:
            for chunk in resp.iter_content(chunk_size=65536):
                out.write(chunk)
    ```
    Also enforce a maximum size when the server is not trusted. For S3, iterate
    `obj["Body"].iter_lines()` or `iter_chunks()`, or check `obj["ContentLength"]` first.

    ## Known limitations
    `urllib.request.urlopen(...).read()` and `httpx` streams are not checked: their size is
    usually bounded by the caller in ways a local analysis cannot see. Test files are not
    checked: their downloads come from fixtures of known size.
    """

    meta = RuleMeta(
        code="PG352",
        name="streamed-response-read-whole",
        category="memory.unbounded",
        severity=Severity.MEDIUM,
        confidence=Confidence.HIGH,
        cwe=(cwe.UNCONTROLLED_RESOURCE_CONSUMPTION, cwe.RESOURCE_WITHOUT_LIMITS),
        message="`{access}` reads a whole streamed download into memory, so a large or endless body "
                "exhausts the worker's memory",
        tags=("http",),
    )

    flagged = (
        """
        import requests

        def download_statement(statement_url, dest):
            resp = requests.get(statement_url, stream=True, timeout=30)
            with open(dest, "wb") as out:
                out.write(resp.content)  # error: PG352
        """,
        """
        import requests

        session = requests.Session()

        def fetch_export(url):
            resp = session.get(url, stream=True, timeout=30)
            rows = resp.json()  # error: PG352
            raw = resp.raw.read()  # error: PG352
            return rows, raw
        """,
        """
        import boto3

        s3 = boto3.client("s3")

        def load_settlement(bucket, key):
            obj = s3.get_object(Bucket=bucket, Key=key)
            return obj["Body"].read().decode("utf-8")  # error: PG352
        """,
    )
    clean = (
        Example(
            """
            import requests

            def test_streamed_body_is_complete(server_url):
                resp = requests.get(server_url, stream=True, timeout=5)
                assert resp.content == b"x" * 1024
            """,
            path="tests/test_stream.py",
        ),
        """
        import requests

        def download_statement(statement_url, dest):
            with requests.get(statement_url, stream=True, timeout=30) as resp:
                with open(dest, "wb") as out:
                    for chunk in resp.iter_content(chunk_size=65536):
                        out.write(chunk)

        def small(url):
            return requests.get(url, timeout=5).content

        def header(url):
            resp = requests.get(url, stream=True, timeout=5)
            return resp.raw.read(1024)

        def first_lines(s3, bucket, key):
            obj = s3.get_object(Bucket=bucket, Key=key)
            return [line for _, line in zip(range(10), obj["Body"].iter_lines())]
        """,
    )

    def visit_Attribute(self, node: ast.Attribute, ctx: FileContext) -> None:
        if ctx.is_test_file:
            return
        parent = ctx.parent()
        if node.attr in WHOLE_BODY and isinstance(node.ctx, ast.Load):
            self._check(node, node.value, ctx)
        elif node.attr == "json" and isinstance(parent, ast.Call) and parent.func is node:
            self._check(parent, node.value, ctx)
        elif node.attr == "read" and isinstance(parent, ast.Call) and parent.func is node and not parent.args:
            body = node.value
            if isinstance(body, ast.Attribute) and body.attr == "raw":
                self._check(parent, body.value, ctx)
            elif _is_s3_body(body, ctx):
                ctx.report(parent, access=ast.unparse(parent))

    @staticmethod
    def _check(report_at: ast.expr, response: ast.expr, ctx: FileContext) -> None:
        call = ctx.constructor(response)
        if call is None:
            return
        stream = ctx.keyword(call, "stream")
        if not (stream is not None and isinstance(stream.value, ast.Constant) and stream.value.value is True):
            return
        name = ctx.call_name(call)
        func = call.func
        is_session_verb = (isinstance(func, ast.Attribute) and apis.is_http_verb(func.attr)
                           and ctx.constructor_name(func.value) in apis.REQUESTS_SESSIONS)
        if name in apis.REQUESTS_FUNCTIONS or is_session_verb:
            ctx.report(report_at, access=ast.unparse(report_at))


def _is_s3_body(expr: ast.expr, ctx: FileContext) -> bool:
    """``obj["Body"]`` where ``obj = s3.get_object(...)``: a boto3 ``StreamingBody``."""
    if not (isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and expr.slice.value == "Body"):
        return False
    call = ctx.constructor(expr.value)
    return call is not None and isinstance(call.func, ast.Attribute) and call.func.attr == "get_object"
