"""Helpers shared by the race rules: is the current statement guarded by a lock?"""

from __future__ import annotations

import ast

from prodgate.static.context import FileContext

LOCK_WORDS = ("lock", "mutex", "semaphore", "condition", "atomic", "select_for_update")


def under_lock(ctx: FileContext) -> bool:
    """True inside a ``with`` block whose context manager looks like a lock or a transaction."""
    for node in ctx.ancestors():
        if isinstance(node, (ast.With, ast.AsyncWith)):
            text = " ".join(ast.unparse(item.context_expr).lower() for item in node.items)
            if any(word in text for word in LOCK_WORDS):
                return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return any(word in ast.unparse(d).lower() for d in node.decorator_list for word in LOCK_WORDS)
    return False
