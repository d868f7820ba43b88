from __future__ import annotations

import ast

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Rule, RuleMeta
from prodgate.static.context import FileContext
from prodgate.static.rules.resilience._helpers import has_any_keyword

# Driver connect call -> (keywords that bound the wait, DSN keyword or None).
DRIVERS = {
    "psycopg2.connect": (("connect_timeout",), "dsn"),
    "psycopg.connect": (("connect_timeout",), "conninfo"),
    "psycopg.Connection.connect": (("connect_timeout",), "conninfo"),
    "pymysql.connect": (("read_timeout", "read_default_file"), None),
    "pymysql.connections.Connection": (("read_timeout", "read_default_file"), None),
    "MySQLdb.connect": (("connect_timeout", "read_timeout", "read_default_file"), None),
}


ENGINES = frozenset({"sqlalchemy.create_engine", "sqlalchemy.ext.asyncio.create_async_engine"})
SERVER_SCHEMES = ("postgresql", "postgres", "mysql", "mariadb")
ENGINE_TIMEOUTS = ("connect_timeout", "timeout", "read_timeout", "command_timeout")


def _literal(ctx: FileContext, expr: ast.expr | None) -> ast.expr | None:
    return ctx.value_of(expr) if isinstance(expr, ast.Name) else expr


def _engine_without_timeout(ctx: FileContext, call: ast.Call) -> bool:
    """``create_engine("postgresql://...")`` with no timeout in the URL or in ``connect_args``."""
    url = _literal(ctx, ctx.argument(call, 0, "url"))
    if not (isinstance(url, ast.Constant) and isinstance(url.value, str) and url.value.startswith(SERVER_SCHEMES)):
        return False
    if "timeout" in url.value or ctx.has_splat(call):
        return False
    connect_args = ctx.keyword(call, "connect_args")
    if connect_args is None:
        return True
    options = _literal(ctx, connect_args.value)
    return isinstance(options, ast.Dict) and not any(
        isinstance(key, ast.Constant) and key.value in ENGINE_TIMEOUTS for key in options.keys)


class DatabaseConnectWithoutTimeout(Rule):
    """
    ## What it does
    Finds PostgreSQL connections (`psycopg2.connect`, `psycopg.connect`) opened without
    `connect_timeout` (as a keyword or inside a literal DSN), MySQL connections
    (`pymysql.connect`, `MySQLdb.connect`) opened without a read timeout, and SQLAlchemy engines
    for a literal PostgreSQL/MySQL URL with no timeout in the URL or in `connect_args`.

    ## Why is this bad
    libpq waits forever for a server that does not answer the TCP handshake (a failed-over
    primary, a dropped security-group rule), and PyMySQL waits forever for the result of a query
    when the server or the network stalls. The request that opened the connection hangs, and so
    does every other one behind it, until the worker pool is exhausted.

    ## Example
    ```python
    conn = psycopg2.connect(DATABASE_URL)
    ```

    ## Use instead
    ```python
    conn = psycopg2.connect(DATABASE_URL, connect_timeout=5, options="-c statement_timeout=15000")
    ```

    ## Known limitations
    A DSN read from configuration may carry `connect_timeout`, and libpq also reads
    `PGCONNECT_TIMEOUT` from the environment: such calls are reported with medium confidence.
    SQLAlchemy engines are checked only when their URL is written in the code, since a URL from
    configuration may name any driver.
    Test files are not checked.

    ## References
    - https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-CONNECT-TIMEOUT
    - https://pymysql.readthedocs.io/en/latest/modules/connections.html
    """

    meta = RuleMeta(
        code="PG103",
        name="database-connect-without-timeout",
        category="resilience.timeout",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        cwe=(cwe.REQUEST_WITHOUT_TIMEOUT, cwe.UNCONTROLLED_RESOURCE_CONSUMPTION),
        message="`{call}` sets no connect or read timeout, so an unreachable database server hangs this worker",
        tags=("database",),
    )

    flagged = (
        """
        import psycopg2

        def get_raw_connection():
            return psycopg2.connect(host="db.internal", dbname="payments", user="svc")  # error: PG103
        """,
        """
        import psycopg2
        import pymysql

        DSN = "postgresql://svc@db.internal/payments"

        def connections():
            pg = psycopg2.connect(DSN)  # error: PG103
            my = pymysql.connect(host="orders-db", user="svc", connect_timeout=5)  # error: PG103
            return pg, my
        """,
        """
        import psycopg

        from app import settings

        def ledger_connection():
            return psycopg.connect(settings.LEDGER_DSN, autocommit=True)  # error: PG103
        """,
        """
        from sqlalchemy import create_engine

        engine = create_engine("postgresql+psycopg2://svc@db.internal/orders", pool_size=10)  # error: PG103
        """,
    )
    clean = (
        """
        import psycopg2
        import pymysql

        def connections(**params):
            pg = psycopg2.connect(host="db.internal", dbname="payments", connect_timeout=5)
            dsn = psycopg2.connect("host=db.internal dbname=payments connect_timeout=5")
            my = pymysql.connect(host="orders-db", user="svc", read_timeout=30)
            other = psycopg2.connect(**params)
            return pg, dsn, my, other
        """,
        """
        import os

        from sqlalchemy import create_engine

        engine = create_engine("postgresql://svc@db.internal/orders", connect_args={"connect_timeout": 5})
        local = create_engine("sqlite:///orders.db")
        configured = create_engine(os.environ["DATABASE_URL"])
        """,
    )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        name = ctx.call_name(node)
        driver = DRIVERS.get(name or "")
        if ctx.is_test_file:
            return
        if name in ENGINES:
            if _engine_without_timeout(ctx, node):
                ctx.report(node, call=name)
            return
        if driver is None:
            return
        keywords, dsn_keyword = driver
        if has_any_keyword(ctx, node, keywords):
            return
        dsn = ctx.argument(node, 0, dsn_keyword) if dsn_keyword else None
        if dsn is None:
            ctx.report(node, call=name)
            return
        literal = _literal(ctx, dsn)
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            if not any(keyword in literal.value for keyword in keywords):
                ctx.report(node, call=name)
            return
        if isinstance(literal, ast.JoinedStr) and any(k in ast.unparse(literal) for k in keywords):
            return
        ctx.report(node, call=name, confidence=Confidence.MEDIUM)
