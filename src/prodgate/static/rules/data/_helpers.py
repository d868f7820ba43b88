"""What the data-integrity rules count as a database write or a commit."""

from __future__ import annotations

import ast
import re

from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import sql_text

WRITE_SQL = re.compile(r"^\s*(?:insert|update|delete|merge|upsert|replace)\b", re.IGNORECASE)
SESSION_NAME = re.compile(r"(?:^|\.)db$")
SESSION_WRITES = frozenset({"add", "add_all", "merge", "bulk_save_objects", "bulk_insert_mappings",
                            "bulk_update_mappings"})
REQUEST_GLOBAL = "flask.g"
REQUEST_GLOBAL_READS = frozenset({"get", "pop", "setdefault"})


def is_session(receiver: ast.expr) -> bool:
    """``session``, ``db.session``, ``self.session``, ``g.db``, ``db``: an ORM session by its name."""
    text = ast.unparse(receiver).lower()
    return "session" in text or SESSION_NAME.search(text) is not None


def is_commit(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
            and not node.args and not node.keywords)


def is_sql_write(node: ast.AST) -> bool:
    """``session.add(x)``, ``cur.execute("INSERT ...")``, ``session.delete(x)`` and the like."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    attr = node.func.attr
    if attr in SESSION_WRITES:
        return is_session(node.func.value) and bool(node.args)
    if attr == "delete":
        return is_session(node.func.value) and len(node.args) == 1
    if attr in ("execute", "executemany") and node.args:
        sql = sql_text(node.args[0])
        return sql is not None and WRITE_SQL.match(sql) is not None
    return False


def reads_request_global(ctx: FileContext, expr: ast.expr) -> bool:
    """``g.db``, ``g.get("db")``, ``g.pop("db", None)``, ``getattr(g, "db", None)``: a value kept on
    Flask's ``g``, which lives only as long as the application context of one request."""
    if isinstance(expr, ast.Attribute):
        return ctx.qualname(expr.value) == REQUEST_GLOBAL
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    if isinstance(func, ast.Attribute) and func.attr in REQUEST_GLOBAL_READS:
        return ctx.qualname(func.value) == REQUEST_GLOBAL
    return ctx.call_name(expr) == "getattr" and bool(expr.args) and ctx.qualname(expr.args[0]) == REQUEST_GLOBAL
