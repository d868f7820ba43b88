"""Helpers shared by the error-handling rules: what a handler catches and what its body does."""

from __future__ import annotations

import ast

from prodgate.static.context import FileContext

EXPLANATION_WORDS = 4
DIRECTIVES = ("error:", "todo-", "noqa", "type:", "pragma", "pylint:", "prodgate", "nosec", "fmt:")
SKIPPED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)
BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


def catches_broadly(ctx: FileContext, handler: ast.ExceptHandler) -> str | None:
    """``except:``, ``except Exception`` or ``except BaseException`` (alone or in a tuple): what it says."""
    caught = handler.type
    if caught is None:
        return "except:"
    types = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    for expr in types:
        if ctx.qualname(expr) in BROAD:
            return f"except {ast.unparse(caught)}"
    return None


def uses_name(nodes: list[ast.stmt], name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for s in nodes for n in ast.walk(s))


def has_comment(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """True when a comment explains the handler (just above the ``except``, on it or inside it):
    a deliberate choice. A shrug (``# ignore``, ``# best effort``) and tool directives (``# noqa``,
    ``# type:``, example annotations) do not count."""
    end = handler.end_lineno or handler.lineno
    words = 0
    for number in range(handler.lineno - 1, end + 1):
        _, hash_mark, comment = ctx.line(number).partition("#")
        explains = hash_mark and not comment.strip().lower().startswith(DIRECTIVES)
        if explains and (number >= handler.lineno or ctx.line(number).lstrip().startswith("#")):
            words += len(comment.split())
    return words >= EXPLANATION_WORDS


def handler_nodes(handler: ast.ExceptHandler) -> list[ast.AST]:
    """The nodes of a handler's body, not descending into nested functions, classes or handlers."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = list(handler.body)
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, SKIPPED))
    return sorted(found, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
