"""Helpers shared by the resilience rules: missing keyword checks, remote calls and retry loops."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import NESTED_SCOPES, is_command_line_code

EXITS = (ast.Return, ast.Break, ast.Raise)
SUCCESS_EXITS = (ast.Return, ast.Break)  # a ``raise`` in the ``try`` is caught by its own handler


def has_any_keyword(ctx: FileContext, call: ast.Call, names: tuple[str, ...]) -> bool:
    """True when one of ``names`` is passed, or ``**kwargs`` may pass it."""
    return ctx.has_splat(call) or any(ctx.keyword(call, name) is not None for name in names)


def is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def in_main_block(ctx: FileContext) -> bool:
    """Inside ``if __name__ == "__main__":``."""
    for node in ctx.ancestors():
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
    return False


def is_service_code(ctx: FileContext) -> bool:
    """Code that runs in long-lived workers: not tests, scripts, management commands or ``__main__``."""
    return not (ctx.is_test_file or is_command_line_code(ctx) or in_main_block(ctx))


def own_walk(nodes: list[ast.stmt]) -> list[ast.AST]:
    """Every node under ``nodes``, not descending into nested functions, lambdas or classes."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = list(nodes)
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, NESTED_SCOPES))
    return found


def client_constructor(ctx: FileContext, receiver: ast.expr) -> str | None:
    """The constructor of a remote-service client object (HTTP session, Redis, boto3, ...)."""
    name = ctx.constructor_name(receiver)
    if name in apis.REQUESTS_SESSIONS or name in apis.HTTPX_CLIENTS or name in apis.SERVICE_CLIENT_CONSTRUCTORS:
        return name
    return None


def is_http_client(ctx: FileContext, receiver: ast.expr) -> bool:
    """A requests session or an httpx client, known from its construction."""
    call = constructor_call(ctx, receiver)
    name = ctx.call_name(call) if call is not None else None
    return name in apis.REQUESTS_SESSIONS or name in apis.HTTPX_CLIENTS


def is_remote_call(ctx: FileContext, call: ast.Call) -> bool:
    """A call that talks to another service over the network (HTTP, database, cache, SMTP, socket)."""
    name = ctx.call_name(call) or ""
    if name in apis.SYNC_HTTP_FUNCTIONS or name in apis.SYNC_DB_CONNECT_FUNCTIONS or name in REMOTE_FUNCTIONS:
        return True
    if name.startswith("stripe."):
        return True
    func = call.func
    return isinstance(func, ast.Attribute) and client_constructor(ctx, func.value) is not None


REMOTE_FUNCTIONS = frozenset({
    "socket.create_connection", "smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
})


def is_non_idempotent(ctx: FileContext, call: ast.Call) -> bool:
    """A POST request, or a payment-provider ``create`` (a new charge each time it is sent)."""
    name = ctx.call_name(call) or ""
    return http_method(ctx, call) == "POST" or (name.startswith("stripe.") and name.endswith(".create"))


def mentions_idempotency(ctx: FileContext, node: ast.AST) -> bool:
    """True when the code of ``node`` mentions an idempotency key (header, argument or helper)."""
    return "idempotency" in ctx.segment(node).lower() or "idempotent" in ctx.segment(node).lower()


def http_method(ctx: FileContext, call: ast.Call) -> str | None:
    """The upper-case HTTP method a requests/httpx call sends, when it is known."""
    name = ctx.call_name(call)
    func = call.func
    if name in apis.REQUESTS_FUNCTIONS or name in apis.HTTPX_FUNCTIONS:
        verb = name.rsplit(".", 1)[-1]
    elif isinstance(func, ast.Attribute) and apis.is_http_verb(func.attr) and is_http_client(ctx, func.value):
        verb = func.attr
    else:
        return None
    if verb == "request":
        method = ctx.argument(call, 0, "method")
        return method.value.upper() if isinstance(method, ast.Constant) and isinstance(method.value, str) else None
    return verb.upper()


@dataclass(frozen=True, slots=True)
class RetryLoop:
    """A loop that repeats a remote call until it succeeds: the call and its handler."""

    loop: ast.For | ast.While
    attempt: ast.Try
    calls: tuple[ast.Call, ...]
    unbounded: bool


def _exits(nodes: list[ast.stmt], exits: tuple[type, ...] = EXITS) -> bool:
    """True when the statements can leave the loop (return, break, raise), outside nested loops."""
    todo: list[ast.AST] = list(nodes)
    while todo:
        node = todo.pop()
        if isinstance(node, exits):
            return True
        if isinstance(node, (*NESTED_SCOPES, ast.For, ast.While, ast.AsyncFor)):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


def _swallows(handler: ast.ExceptHandler) -> bool:
    return not _exits(handler.body)


def retry_loop(ctx: FileContext, loop: ast.For | ast.While) -> RetryLoop | None:
    """The retry structure of ``loop``: a ``try`` directly in its body that leaves the loop on
    success, performs a remote call, and has a handler that swallows the error and loops again."""
    cache = ctx.shared("resilience-retry-loops")
    if id(loop) not in cache:
        cache[id(loop)] = _find_retry(ctx, loop)
    found: RetryLoop | None = cache[id(loop)]
    return found


def _find_retry(ctx: FileContext, loop: ast.For | ast.While) -> RetryLoop | None:
    for statement in loop.body:
        if not isinstance(statement, ast.Try) or not statement.handlers:
            continue
        if not _exits(statement.body + statement.orelse, SUCCESS_EXITS):
            continue
        if not any(_swallows(handler) for handler in statement.handlers):
            continue
        calls = tuple(n for n in own_walk(statement.body) if isinstance(n, ast.Call) and is_remote_call(ctx, n))
        if not calls:
            continue
        others = [s for s in loop.body if s is not statement]
        forever = isinstance(loop, ast.While) and _always_true(loop.test)
        return RetryLoop(loop, statement, calls, unbounded=forever and not _exits(others))
    return None


def _always_true(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and bool(test.value) is True


def constructor_call(ctx: FileContext, expr: ast.expr) -> ast.Call | None:
    """``ctx.constructor``, also for names bound by an enclosing ``with ... as name`` (bound only
    once the walk leaves the ``with``)."""
    call = ctx.constructor(expr)
    if call is not None or not isinstance(expr, ast.Name):
        return call
    for node in ctx.ancestors():
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                target = item.optional_vars
                if isinstance(target, ast.Name) and target.id == expr.id and isinstance(item.context_expr, ast.Call):
                    return item.context_expr
        elif isinstance(node, NESTED_SCOPES):
            break
    return None


def enclosing_loop_source(ctx: FileContext, name: ast.Name) -> ast.expr | None:
    """What an enclosing ``for name in <source>:`` iterates (followed through a plain name)."""
    for node in ctx.ancestors():
        if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
            if node.target.id == name.id:
                source = node.iter
                return (ctx.value_of(source) or source) if isinstance(source, ast.Name) else source
        elif isinstance(node, NESTED_SCOPES):
            break
    return None
