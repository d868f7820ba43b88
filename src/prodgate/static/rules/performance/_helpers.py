"""What the n-plus-one rules recognise: loops over query results, and the calls made inside them."""

from __future__ import annotations

import ast

from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import chain, is_catalog_sql, sql_text

RESULT_METHODS = frozenset({"all", "fetchall", "fetchmany", "scalars", "filter", "exclude", "iterator",
                            "order_by", "values", "values_list", "select_related", "prefetch_related"})
DJANGO_READS = frozenset({"get", "filter", "exclude", "count", "exists", "first", "last", "all", "aggregate",
                          "values", "values_list", "get_or_create", "in_bulk"})
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
HTTP_CLIENTS = apis.REQUESTS_SESSIONS | apis.HTTPX_CLIENTS


def is_query_result(ctx: FileContext, expr: ast.expr) -> bool:
    """``session.query(X).all()``, ``Model.objects.filter(...)``, ``cur.fetchall()``, a cursor, ..."""
    value = ctx.value_of(expr) if isinstance(expr, ast.Name) else expr
    if not isinstance(value, ast.Call):
        return False
    names = chain(value)
    if not names:
        return False
    if "objects" in names or "execute" in names or names[-1] == "cursor":
        return True
    return ("query" in names and names[-1] in RESULT_METHODS) or names[-1] in ("fetchall", "fetchmany")


def query_call(node: ast.Call) -> bool:
    """A call that runs a database query (ORM read, ``execute``, ``session.query``/``session.get``)."""
    names = chain(node)
    if not names:
        return False
    if "objects" in names:
        return names[-1] in DJANGO_READS
    if names[-1] == "execute":
        sql = sql_text(node.args[0]) if node.args else None
        return sql is None or not is_catalog_sql(sql)
    if names[0] == "query":
        return True
    func = node.func
    return (names[-1] == "get" and isinstance(func, ast.Attribute) and "session" in ast.unparse(func.value).lower()
            and bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id[:1].isupper())


def http_call(ctx: FileContext, node: ast.Call) -> bool:
    if ctx.call_name(node) in apis.SYNC_HTTP_FUNCTIONS:
        return True
    func = node.func
    return (isinstance(func, ast.Attribute) and apis.is_http_verb(func.attr)
            and ctx.constructor_name(func.value) in HTTP_CLIENTS)


def loop_over_results(ctx: FileContext, node: ast.AST) -> ast.AST | None:
    """The nearest loop or comprehension (in this function) over query results whose body holds ``node``."""
    for loop in ctx.loops():
        child = _child_towards(ctx, loop, node)
        if isinstance(loop, (ast.For, ast.AsyncFor)):
            if child in loop.body and is_query_result(ctx, loop.iter):
                return loop
        elif isinstance(loop, COMPREHENSIONS):
            in_element = child in (getattr(loop, "elt", None), getattr(loop, "key", None), getattr(loop, "value", None))
            if in_element and any(is_query_result(ctx, g.iter) for g in loop.generators):
                return loop
    return None


def _child_towards(ctx: FileContext, ancestor: ast.AST, node: ast.AST) -> ast.AST:
    """The child of ``ancestor`` on the path down to ``node``."""
    parents = ctx.parents
    for index in range(len(parents) - 1, -1, -1):
        if parents[index] is ancestor:
            return parents[index + 1] if index + 1 < len(parents) else node
    return node
