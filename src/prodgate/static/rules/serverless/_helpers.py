"""Per-file cache of which functions are serverless handlers, for the serverless rules."""

from __future__ import annotations

from prodgate.static.context import FileContext
from prodgate.static.rules._function_scan import FunctionNode, is_serverless_handler


def current_handler(ctx: FileContext) -> FunctionNode | None:
    """The serverless handler whose own body holds the node being visited (not a nested def)."""
    function = ctx.function()
    if function is None or ctx.is_test_file:
        return None
    cache = ctx.state().setdefault("<handlers>", {})
    if id(function) not in cache:
        cache[id(function)] = is_serverless_handler(ctx, function)
    return function if cache[id(function)] else None
