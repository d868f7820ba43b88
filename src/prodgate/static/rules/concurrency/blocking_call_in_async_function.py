from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, Rule, RuleMeta
from prodgate.static import apis
from prodgate.static.context import FileContext

BLOCKING_CALLS = (apis.SYNC_HTTP_FUNCTIONS | apis.SYNC_DB_CONNECT_FUNCTIONS | apis.BLOCKING_STDLIB_CALLS
                  | frozenset({"open", "io.open"}))
SYNC_SESSIONS = apis.REQUESTS_SESSIONS | frozenset({"httpx.Client"})
SQLALCHEMY_SESSIONS = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session"})
SESSION_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
SQLALCHEMY_METHODS = frozenset({"execute", "query", "commit", "flush", "get", "scalars", "scalar", "refresh"})


class BlockingCallInAsyncFunction(Rule):
    """
    ## What it does
    Finds blocking calls made directly in the body of an `async def`: `time.sleep`, synchronous
    HTTP (`requests`, `httpx` module functions, `urlopen`, a `requests.Session`), synchronous
    database drivers (`sqlite3`, `psycopg2`, `pymysql`, ...) and SQLAlchemy sync sessions,
    `subprocess` runs, `os.system`, `input()` and file I/O through `open()`.

    ## Why is this bad
    An event loop runs every request of the process on one thread. A blocking call stops all of
    them: one slow payment provider or a two-second `time.sleep` freezes every other request,
    health check and websocket of the worker, latency spikes for everyone, and load balancers
    start killing "unresponsive" instances. Local tests with one request at a time never show it.

    ## Example
    ```python
    async def capture(order_id: str):
        resp = requests.post(f"{PAYMENTS}/capture/{order_id}", timeout=10)
        return resp.json()
    ```

    ## Use instead
    ```python
    async def capture(order_id: str):
        async with httpx.AsyncClient(timeout=10) as client:
            resp = await client.post(f"{PAYMENTS}/capture/{order_id}")
        return resp.json()
    ```
    Or move the blocking call off the loop: `await asyncio.to_thread(requests.post, url, timeout=10)`.

    ## Known limitations
    Only direct calls are seen: a blocking helper function called from `async def` is not
    followed. `open()` of a small local file is reported too, although reading a few bytes of
    configuration rarely matters; use `aiofiles` or `asyncio.to_thread` to silence it.
    Test files are not checked: an async test's event loop serves no one else.
    """

    meta = RuleMeta(
        code="PG420",
        name="blocking-call-in-async-function",
        category="concurrency.async-blocking",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.EXCESSIVE_ITERATION,),
        message="blocking call `{call}` inside `async def {function}` stalls the event loop and every "
                "request it serves",
        tags=("asyncio",),
    )

    flagged = (
        """
        import requests
        import time

        async def capture(order_id: str):
            for attempt in range(3):
                resp = requests.post(f"https://pay/capture/{order_id}", timeout=10)  # error: PG420
                if resp.ok:
                    return resp.json()
                time.sleep(2 ** attempt)  # error: PG420
        """,
        """
        import sqlite3
        import subprocess

        async def export_ledger(path: str) -> bytes:
            conn = sqlite3.connect(path)  # error: PG420
            conn.close()
            with open(path + ".lock", "w") as lock:  # error: PG420
                lock.write("1")
            return subprocess.check_output(["ledger-export", path])  # error: PG420
        """,
        """
        import requests
        from sqlalchemy.orm import sessionmaker

        SessionLocal = sessionmaker()
        http = requests.Session()

        async def order_status(order_id: int):
            session = SessionLocal()
            order = session.get(Order, order_id)  # error: PG420
            return http.get(f"https://carrier/track/{order.tracking}", timeout=5).json()  # error: PG420
        """,
    )
    clean = (
        Example(
            """
            async def test_file_response(client, tmp_path):
                with open(tmp_path / "report.csv", "w") as out:
                    out.write("id,total\\n")
                assert (await client.get("/report")).status_code == 200
            """,
            path="tests/test_reports.py",
        ),
        """
        import asyncio
        import requests
        import time

        async def capture(order_id: str):
            resp = await asyncio.to_thread(requests.post, f"https://pay/capture/{order_id}", timeout=10)
            await asyncio.sleep(1)
            return resp.json()

        async def legacy(loop, url):
            return await loop.run_in_executor(None, lambda: requests.get(url, timeout=5))

        async def outer():
            def sync_part():
                time.sleep(1)
            return await asyncio.to_thread(sync_part)
        """,
        """
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import sessionmaker

        SessionLocal = sessionmaker(class_=AsyncSession)

        async def order(order_id):
            session = SessionLocal()
            return await session.get(Order, order_id)
        """,
        """
        import time

        def retry_sync(call):
            time.sleep(1)
            return call()
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.is_test_file or not ctx.in_async_function() or isinstance(ctx.parent(), ast.Await):
            return
        name = ctx.call_name(node)
        if name in BLOCKING_CALLS:
            self._report(node, ctx, name)
            return
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        receiver = ctx.constructor_name(func.value)
        if ((receiver in SYNC_SESSIONS and apis.is_http_verb(func.attr))
                or (func.attr in SQLALCHEMY_METHODS and self._is_sync_orm_session(ctx, func.value))):
            self._report(node, ctx, ast.unparse(func))

    @staticmethod
    def _is_sync_orm_session(ctx: FileContext, receiver: ast.expr) -> bool:
        call = ctx.constructor(receiver)
        if call is None:
            return False
        if ctx.call_name(call) in SQLALCHEMY_SESSIONS:
            return True
        factory = ctx.constructor(call.func)
        return factory is not None and ctx.call_name(factory) in SESSION_FACTORIES

    @staticmethod
    def _report(node: ast.Call, ctx: FileContext, call: str) -> None:
        function = ctx.function()
        ctx.report(node, call=call, function=function.name if function else "?")
