from __future__ import annotations

from prodgate.core import cwe
from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import Example, RuleMeta
from prodgate.static.taint.rule import TaintRule


class TaintedSqlQuery(TaintRule):
    """
    ## What it does
    Finds SQL statements built from untrusted input (request data, handler parameters, task
    payloads, `input()`) that reach `cursor.execute`, `session.execute(text(...))`,
    `Model.objects.raw` or `pandas.read_sql`, following the value through variables,
    string formatting, containers and helper functions.

    ## Why is this bad
    An attacker who controls part of the statement controls the statement: they read other
    users' rows, bypass login checks, or drop tables. Generated code builds queries with
    f-strings because most example code does, and it works on every test input.

    ## Example
    ```python
    cur.execute(f"SELECT * FROM orders WHERE id = '{request.args['id']}'")
    ```

    ## Use instead
    ```python
    cur.execute("SELECT * FROM orders WHERE id = %s", (request.args["id"],))
    ```
    Parameters are sent apart from the statement, so they can never change its structure.

    ## Known limitations
    Flows through other modules are followed one call deep in each direction: a value returned
    by a project function, or an argument that a project function puts into a query; deeper
    chains across modules are not.
    """

    meta = RuleMeta(
        code="PG701",
        name="tainted-sql-query",
        category="security.injection.sql",
        severity=Severity.CRITICAL,
        confidence=Confidence.HIGH,
        cwe=(cwe.SQL_INJECTION,),
        message="untrusted {source} reaches the SQL statement of `{sink}`, so an attacker can rewrite the query",
        tags=("taint", "owasp-a03"),
    )
    sink = "sql"

    flagged = (
        """
        import sqlite3
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/orders")
        def orders():
            status = request.args.get("status", "open")
            query = "SELECT id, total FROM orders WHERE status = '%s'" % status
            con = sqlite3.connect("shop.db")
            return str(con.execute(query).fetchall())  # error: PG701
        """,
        """
        from flask import request

        def build(user_id):
            return f"SELECT * FROM payments WHERE user_id = {user_id}"

        def payments(cursor):
            sql = build(request.form["user"])
            cursor.execute(sql)  # error: PG701
        """,
        Example(
            """
            from flask import request
            from shop import repository

            def search():
                return repository.find_orders(request.args.get("status"))  # error: PG701
            """,
            path="shop/views.py",
            files={
                "shop/__init__.py": "",
                "shop/repository.py": "def find_orders(status):\n"
                                      "    return CURSOR.execute(f\"SELECT * FROM orders WHERE status = '{status}'\")\n",
            },
        ),
    )
    clean = (
        """
        from flask import request

        def orders(cursor):
            status = request.args.get("status", "open")
            cursor.execute("SELECT id FROM orders WHERE status = %s", (status,))
        """,
        """
        from flask import request

        def orders(cursor):
            limit = int(request.args.get("limit", "10"))
            cursor.execute(f"SELECT id FROM orders LIMIT {limit}")
            mode = "safe" if 7 * 18 + 100 > 200 else request.args["mode"]
            cursor.execute(f"SELECT id FROM orders WHERE mode = '{mode}'")
        """,
    )
