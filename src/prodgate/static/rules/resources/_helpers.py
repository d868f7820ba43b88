"""Ownership tracking shared by the resource rules: is a locally opened object released or handed on?"""

from __future__ import annotations

import ast

from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import function_nodes

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
        if _releases(ctx, node, name, release):
            return True
    return False


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
    if not any(isinstance(a, ast.Name) and a.id == name for a in passed):
        return False
    return ctx.call_name(call) not in BORROWING_CALLS
