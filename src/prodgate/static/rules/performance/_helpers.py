"""What the n-plus-one rules recognise: loops over query results, and the calls made inside them."""

from __future__ import annotations

import ast

from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.index import ProjectIndex
from prodgate.static.rules._function_scan import chain, is_catalog_sql, own_nodes, sql_text

RESULT_METHODS = frozenset({"all", "fetchall", "fetchmany", "scalars", "filter", "filter_by", "exclude", "iterator",
                            "order_by", "values", "values_list", "select_related", "prefetch_related", "limit",
                            "offset", "join", "outerjoin", "options", "distinct", "yield_per", "group_by"})
ROWS = "returns-rows"
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
    if not (isinstance(func, ast.Attribute) and apis.is_http_verb(func.attr)):
        return False
    constructor = ctx.constructor(func.value)
    return constructor is not None and (ctx.call_name(constructor) in HTTP_CLIENTS
                                        or _builds_http_client(ctx, constructor))


def _builds_http_client(ctx: FileContext, call: ast.Call) -> bool:
    """A call of a function of this module that returns a new HTTP session (``_build_session()``)."""
    if not isinstance(call.func, ast.Name):
        return False
    binding = ctx.binding(call.func.id)
    if binding is None or binding.kind != "def" or not isinstance(binding.node, ast.FunctionDef):
        return False
    nodes = list(own_nodes(binding.node))
    built = {t.id for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
             and ctx.call_name(n.value) in HTTP_CLIENTS for t in n.targets if isinstance(t, ast.Name)}
    return any(isinstance(n, ast.Return) and n.value is not None
               and ((isinstance(n.value, ast.Name) and n.value.id in built)
                    or (isinstance(n.value, ast.Call) and ctx.call_name(n.value) in HTTP_CLIENTS))
               for n in nodes)


def loop_over_results(ctx: FileContext, node: ast.AST) -> tuple[ast.AST, str] | None:
    """The nearest loop or comprehension (in this function) whose body holds ``node`` and that
    iterates over query results: ``(loop, "")`` when certain, ``(loop, qualname)`` when it
    iterates over what project function ``qualname`` returns (to confirm with the index)."""
    candidate: tuple[ast.AST, str] | None = None
    for loop in ctx.loops():
        child = _child_towards(ctx, loop, node)
        if isinstance(loop, (ast.For, ast.AsyncFor)):
            sources = [loop.iter] if child in loop.body else []
        elif isinstance(loop, COMPREHENSIONS):
            element = child in (getattr(loop, "elt", None), getattr(loop, "key", None), getattr(loop, "value", None))
            sources = [g.iter for g in loop.generators] if element else []
        else:
            sources = []
        for source in sources:
            kind = _source_kind(ctx, source)
            if kind == "":
                return loop, ""
            if candidate is None and kind is not None:
                candidate = (loop, kind)
    return candidate


def _source_kind(ctx: FileContext, source: ast.expr) -> str | None:
    """``""`` for query results, a project function's qualname to confirm, else None (cached)."""
    cache = ctx.state().setdefault("<loop-sources>", {})
    if id(source) not in cache:
        cache[id(source)] = "" if is_query_result(ctx, source) else _producer(ctx, source)
    return cache[id(source)]


def _producer(ctx: FileContext, source: ast.expr) -> str | None:
    value = ctx.value_of(source) if isinstance(source, ast.Name) else source
    return callee_qualname(ctx, value) if isinstance(value, ast.Call) else None


def callee_qualname(ctx: FileContext, call: ast.Call) -> str | None:
    """Qualified name of a called function or method (``client.fetch()`` -> ``pkg.Client.fetch``)."""
    name = ctx.call_name(call)
    if name is not None:
        return name
    func = call.func
    if isinstance(func, ast.Attribute):
        owner = ctx.constructor_name(func.value)
        if owner is not None:
            return f"{owner}.{func.attr}"
    return None


def publish(ctx: FileContext, kind: str) -> None:
    """Record that the function being walked does ``kind`` (``performs-http``, ``returns-rows``)."""
    if ctx.function() is not None:
        ctx.publish(kind, f"{ctx.module}.{ctx.scopes.qualname}", True)


def publish_returned_rows(ctx: FileContext, node: ast.Return) -> None:
    if node.value is not None and is_query_result(ctx, node.value):
        publish(ctx, ROWS)


def confirm_pending(query: tuple[str, ...], index: ProjectIndex) -> bool:
    """``(kind, producer, callee)``: the loop source returns rows and the callee does ``kind``."""
    kind, producer, callee = query
    return bool((not producer or index.fact(ROWS, producer)) and (not callee or index.fact(kind, callee)))


def _child_towards(ctx: FileContext, ancestor: ast.AST, node: ast.AST) -> ast.AST:
    """The child of ``ancestor`` on the path down to ``node``."""
    parents = ctx.parents
    for index in range(len(parents) - 1, -1, -1):
        if parents[index] is ancestor:
            return parents[index + 1] if index + 1 < len(parents) else node
    return node
