"""What the input-validation rules share: whether an expression reads outside input."""

from __future__ import annotations

import ast

from prodgate.static.context import FileContext
from prodgate.static.taint import spec

REQUEST_DATA = "request data"
MAX_DEPTH = 4


def input_read(expr: ast.AST, ctx: FileContext, depth: int = 0) -> str | None:
    """What outside input ``expr`` reads (``input()``, ``sys.argv``, a framework request), directly
    or through the names it was assigned from."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and ctx.call_name(node) in spec.SOURCE_CALLS:
            return spec.SOURCE_CALLS[ctx.call_name(node) or ""]
        if isinstance(node, (ast.Name, ast.Attribute)):
            qualname = ctx.qualname(node)
            if qualname in spec.SOURCE_NAMES:
                return spec.SOURCE_NAMES[qualname]
            if qualname in spec.REQUEST_OBJECTS:
                return REQUEST_DATA
        if isinstance(node, ast.Name) and depth < MAX_DEPTH:
            value = ctx.value_of(node)
            found = input_read(value, ctx, depth + 1) if value is not None else None
            if found is not None:
                return found
    return None
