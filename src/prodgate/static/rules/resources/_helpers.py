"""Ownership tracking shared by the resource rules: is a locally opened object released or handed on?"""

from __future__ import annotations

import ast

from prodgate.static import apis
from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import NESTED_SCOPES, function_nodes, own_nodes

CONNECTORS = apis.SYNC_DB_CONNECT_FUNCTIONS | frozenset({
    "socket.socket", "socket.create_connection", "ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP",
    "smtplib.SMTP_SSL", "imaplib.IMAP4", "imaplib.IMAP4_SSL", "poplib.POP3", "poplib.POP3_SSL",
})

# Calls that use a file-like object without taking ownership of it (they never close it).
BORROWING_CALLS = frozenset({
    "json.load", "json.dump", "pickle.load", "pickle.dump", "csv.reader", "csv.writer", "csv.DictReader",
    "csv.DictWriter", "yaml.load", "yaml.safe_load", "yaml.dump", "yaml.safe_dump", "tomllib.load", "print",
    "shutil.copyfileobj", "len", "isinstance", "repr", "str", "id", "type", "hasattr", "getattr",
})


def local_target(ctx: FileContext, node: ast.Assign) -> str | None:
    """The single plain name an assignment inside a function binds, else None."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return None
    if ctx.function() is None or ctx.is_test_file:
        return None
    return node.targets[0].id


def is_released(ctx: FileContext, name: str, release: frozenset[str], skip: ast.AST) -> bool:
    """True when the function releases ``name`` or hands it to someone who can.

    Released: ``name.<release>()``, ``with name``/``with closing(name)``, returned or yielded,
    stored on an attribute, subscript or container, passed to a call that may take ownership,
    or declared ``global``/``nonlocal``. ``skip`` is the assignment that opened it.
    """
    function = ctx.function()
    if function is None:
        return True
    for node in function_nodes(ctx, function):
        if node is skip:
            continue
        if _releases(ctx, node, name, release) or _closure_uses(node, name):
            return True
    return False


def _closure_uses(node: ast.AST, name: str) -> bool:
    """A nested function or lambda that refers to ``name`` (a clean-up callback, a generator)."""
    return isinstance(node, NESTED_SCOPES) and any(
        isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _releases(ctx: FileContext, node: ast.AST, name: str, release: frozenset[str]) -> bool:
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return name in node.names
    if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
        return node.value is not None and escapes(node.value, name)
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return any(escapes(item.context_expr, name) for item in node.items)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        stored = any(not isinstance(t, ast.Name) for t in targets)
        return stored and node.value is not None and escapes(node.value, name)
    if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(e, ast.Name) and e.id == name for e in ast.iter_child_nodes(node))
    if isinstance(node, ast.Call):
        return _call_releases(ctx, node, name, release)
    return False


def escapes(expr: ast.AST, name: str) -> bool:
    """True when ``expr`` holds the object ``name`` itself (not only a result of its methods)."""
    todo: list[ast.AST] = [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and node.id == name:
            return True
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


def _call_releases(ctx: FileContext, call: ast.Call, name: str, release: frozenset[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
        return func.attr in release
    passed = [*call.args, *(k.value for k in call.keywords)]
    if any(isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id == name for a in passed):
        return True  # a bound method (``f.write``) handed out as a callback keeps the object alive
    if not any(isinstance(a, ast.Name) and a.id == name for a in passed):
        return False
    return ctx.call_name(call) not in BORROWING_CALLS


def connection_opener(ctx: FileContext, call: ast.Call) -> str | None:
    """The connector a call opens a connection with: directly, or through a helper of this module
    whose ``return`` is a connector call (``def get_conn(): return psycopg2.connect(DSN)``)."""
    name = ctx.call_name(call)
    if name in CONNECTORS:
        return name
    if not isinstance(call.func, ast.Name):
        return None
    binding = ctx.binding(call.func.id)
    if binding is None or binding.kind != "def" or not isinstance(binding.node, ast.FunctionDef):
        return None
    for node in own_nodes(binding.node):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            inner = ctx.call_name(node.value)
            if inner in CONNECTORS:
                return inner
    return None


def closed_only_on_success(ctx: FileContext, name: str, release: frozenset[str], skip: ast.AST) -> bool:
    """True when ``name`` is released by a plain call on the happy path only (not in ``finally``,
    an ``except`` handler or a ``with``), and is not handed to anyone else."""
    function = ctx.function()
    if function is None or is_released(ctx, name, frozenset(), skip):
        return False
    if any(isinstance(a, ast.Try) and a.handlers for a in ctx.ancestors()):
        return False  # opened inside a try that handles errors: the close after it is reached
    nodes = function_nodes(ctx, function)
    closes = [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
              and isinstance(n.func.value, ast.Name) and n.func.value.id == name and n.func.attr in release]
    if not closes:
        return False
    guarded = {id(inner) for n in nodes if isinstance(n, ast.Try)
               for block in [n.finalbody, *(h.body for h in n.handlers)] for statement in block
               for inner in ast.walk(statement)}
    return not any(id(close) in guarded for close in closes)
