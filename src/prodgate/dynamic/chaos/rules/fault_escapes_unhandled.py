from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.dynamic.chaos.rules import CHAOS_STAGE


class FaultEscapesUnhandled(Rule):
    """
    ## What it does
    Proves, by injecting one fault at a time at a call site the project's tests reach, that a
    low-level library exception (`requests.ConnectTimeout`, `sqlite3.OperationalError`,
    `redis.ConnectionError`...) escapes the project's code, or that the code crashes on the
    fault (`AttributeError` on a missing answer). The finding names the fault, the call site,
    the frame the exception escaped from, and the test that reproduces it.

    ## Why is this bad
    Every dependency fails sooner or later: a timeout, a reset connection, a locked database.
    When its exception escapes, one slow dependency turns every request that touches it into a
    500 with a stack trace, where a retry, a fallback or a clear domain error would have kept the
    service answering.

    ## Example
    ```python
    def count_orders(path):
        with sqlite3.connect(path) as conn:
            return conn.execute("select count(*) from orders").fetchone()[0]  # db-locked escapes
    ```

    ## Use instead
    ```python
    def count_orders(path):
        try:
            with sqlite3.connect(path, timeout=5) as conn:
                return conn.execute("select count(*) from orders").fetchone()[0]
        except sqlite3.OperationalError as exc:
            raise OrdersUnavailable("the orders database is busy") from exc
    ```

    ## Known limitations
    Only calls the tests make are faulted, and only through the supported clients (requests,
    httpx, aiohttp, urllib3, urllib, boto3, sqlite3, psycopg, redis, sockets). A test that
    expects the library exception (`pytest.raises(requests.Timeout)`) passes and counts as
    handled.
    """

    meta = RuleMeta(
        code="PG950", name="fault-escapes-unhandled", category="dynamic.fault-unhandled", severity=Severity.HIGH,
        confidence=Confidence.HIGH, cwe=(248, 755),
        message="{exception} escapes {escaped_at} when the call at {site} meets {fault}", tags=("chaos",),
    )
    stage = CHAOS_STAGE
    flagged = (
        """
        import sqlite3

        def count_orders(path):
            conn = sqlite3.connect(path)
            try:
                return conn.execute("select count(*) from sqlite_master").fetchone()[0]  # error: PG950
            finally:
                conn.close()

        def test_count_orders(tmp_path):
            assert count_orders(str(tmp_path / "orders.db")) == 0
        """,
    )
    clean = (
        """
        import sqlite3

        class OrdersUnavailable(Exception):
            pass

        def count_orders(path):
            conn = sqlite3.connect(path)
            try:
                return conn.execute("select count(*) from sqlite_master").fetchone()[0]
            except sqlite3.OperationalError as exc:
                raise OrdersUnavailable("the orders database is busy") from exc
            finally:
                conn.close()

        def test_count_orders(tmp_path):
            assert count_orders(str(tmp_path / "orders.db")) == 0
        """,
    )
