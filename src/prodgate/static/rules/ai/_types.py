"""What type a receiver has, from construction or annotation, for the API rules (PG822, PG823).

``types`` maps a constructor or function to the type it returns (``pandas.read_csv`` ->
``pandas.DataFrame``), a ``Type.method`` to the type that method returns, and ``Type()`` to
what calling an instance returns (``sessionmaker()`` -> ``Session``). A class of the file that
derives from ``pydantic.BaseModel`` (directly or through classes of the same file) is a
``pydantic.BaseModel``. Anything else is unknown (None): never a guess.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from prodgate.static.context import FileContext

PYDANTIC_MODELS = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
MAX_DEPTH = 8


def _is_model(ctx: FileContext, node: ast.ClassDef, depth: int) -> bool:
    for base in node.bases:
        if ctx.qualname(base) in PYDANTIC_MODELS:
            return True
        binding = ctx.binding(base.id) if isinstance(base, ast.Name) else None
        if (binding is not None and binding.kind == "class" and isinstance(binding.node, ast.ClassDef)
                and depth < MAX_DEPTH and _is_model(ctx, binding.node, depth + 1)):
            return True
    return False


def class_type(ctx: FileContext, expr: ast.expr) -> str | None:
    """``pydantic.BaseModel`` when ``expr`` names a model class of this file."""
    binding = ctx.binding(expr.id) if isinstance(expr, ast.Name) else None
    if binding is not None and binding.kind == "class" and isinstance(binding.node, ast.ClassDef):
        return "pydantic.BaseModel" if _is_model(ctx, binding.node, 0) else None
    return None


def type_of(ctx: FileContext, expr: ast.expr, types: Mapping[str, str], depth: int = 0) -> str | None:
    """The known type of ``expr``'s value, or None."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Await):
        expr = expr.value
    if isinstance(expr, ast.Call):
        return _call_type(ctx, expr, types, depth)
    if isinstance(expr, ast.Name):
        binding = ctx.binding(expr.id)
        if binding is None:
            return None
        if binding.kind == "assign" and binding.value is not None:
            return type_of(ctx, binding.value, types, depth + 1)
        if binding.kind == "param" and binding.value is not None:
            annotation = ctx.qualname(binding.value)
            return (types.get(annotation) if annotation else None) or class_type(ctx, binding.value)
        return None
    if isinstance(expr, ast.Attribute):
        call = ctx.constructor(expr)
        return _call_type(ctx, call, types, depth) if call is not None else None
    return None


def _call_type(ctx: FileContext, call: ast.Call, types: Mapping[str, str], depth: int) -> str | None:
    name = ctx.call_name(call)
    if name is not None and name in types:
        return types[name]
    func = call.func
    model = class_type(ctx, func)
    if model is not None:
        return model
    if isinstance(func, ast.Attribute):
        owner = type_of(ctx, func.value, types, depth + 1)
        return types.get(f"{owner}.{func.attr}") if owner else None
    owner = type_of(ctx, func, types, depth + 1)
    return types.get(f"{owner}()") if owner else None


def receiver_type(ctx: FileContext, expr: ast.expr, types: Mapping[str, str]) -> str | None:
    """Type of a method's receiver: an instance (``df``) or a model class itself (``User``)."""
    return class_type(ctx, expr) or type_of(ctx, expr, types)


def in_fallback(ctx: FileContext, node: ast.AST) -> bool:
    """``node`` is inside an ``except`` handler or a version/feature check: compatibility code on purpose."""
    child = node
    for parent in ctx.ancestors():
        if isinstance(parent, ast.ExceptHandler) and child is not parent.type:
            return True
        if isinstance(parent, (ast.If, ast.IfExp)) and child is not parent.test:
            test = ast.unparse(parent.test)
            if any(word in test for word in ("version", "hasattr", "getattr", "PY", "VERSION")):
                return True
        child = parent
    return False
