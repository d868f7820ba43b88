"""Values as Python source a reproducer test can paste: ``[]``, ``float('nan')``, ``mod.Color.RED``.

``to_source`` returns the expression and the modules it needs imported. A value without a
faithful literal (an open file, a lambda) falls back to its ``repr`` and is marked inexact.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from typing import Any


@dataclasses.dataclass
class Rendered:
    text: str
    imports: set[str]
    exact: bool


def _float(value: float) -> str:
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "float('-inf')"
    return repr(value)


def _qualified(cls: type, imports: set[str]) -> str:
    if cls.__module__ == "builtins":
        return cls.__qualname__
    imports.add(cls.__module__)
    return f"{cls.__module__}.{cls.__qualname__}"


def _render(value: Any, imports: set[str], exact: list[bool], depth: int) -> str:
    if depth > 400:
        exact[0] = False
        return "..."
    def inner(item: Any) -> str:
        return _render(item, imports, exact, depth + 1)

    if value is None or type(value) in (bool, int, str, bytes):
        return repr(value)
    if type(value) is float:
        return _float(value)
    if type(value) is complex:
        return f"complex({_float(value.real)}, {_float(value.imag)})"
    if isinstance(value, enum.Enum):
        return f"{_qualified(type(value), imports)}.{value.name}"
    if type(value) is list:
        return "[" + ", ".join(inner(v) for v in value) + "]"
    if type(value) is tuple:
        items = [inner(v) for v in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if type(value) in (set, frozenset):
        items = sorted(inner(v) for v in value)
        if not items:
            return f"{type(value).__name__}()"
        return ("{" + ", ".join(items) + "}") if type(value) is set else "frozenset({" + ", ".join(items) + "})"
    if type(value) is dict:
        return "{" + ", ".join(f"{inner(k)}: {inner(v)}" for k, v in value.items()) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(f"{f.name}={inner(getattr(value, f.name))}" for f in dataclasses.fields(value) if f.init)
        return f"{_qualified(type(value), imports)}({fields})"
    if hasattr(type(value), "model_fields"):  # pydantic v2
        fields = ", ".join(f"{name}={inner(getattr(value, name))}" for name in type(value).model_fields)
        return f"{_qualified(type(value), imports)}({fields})"
    if hasattr(type(value), "__attrs_attrs__"):
        attrs = type(value).__attrs_attrs__
        fields = ", ".join(f"{a.alias or a.name}={inner(getattr(value, a.name))}" for a in attrs if a.init)
        return f"{_qualified(type(value), imports)}({fields})"
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        fields = ", ".join(f"{name}={inner(getattr(value, name))}" for name in value._fields)
        return f"{_qualified(type(value), imports)}({fields})"
    if isinstance(value, dict):  # Counter, OrderedDict, defaultdict without factory
        return f"{_qualified(type(value), imports)}({inner(dict(value))})"
    exact[0] = False
    return repr(value)


def to_source(value: Any) -> Rendered:
    imports: set[str] = set()
    exact = [True]
    text = _render(value, imports, exact, 0)
    return Rendered(text, imports, exact[0])


def call_source(function: str, args: list[Any], kwargs: dict[str, Any]) -> Rendered:
    """``function(arg, name=value)`` as source, with the imports its arguments need."""
    parts = [to_source(a) for a in args] + [to_source(v) for v in kwargs.values()]
    texts = [p.text for p in parts[:len(args)]] + [f"{k}={p.text}" for k, p in zip(kwargs, parts[len(args):])]
    return Rendered(f"{function}({', '.join(texts)})", set().union(*(p.imports for p in parts)),
                    all(p.exact for p in parts))
