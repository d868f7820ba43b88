"""Typical (not edge-case) values of a given size, for scaling and race probes.

Scaling needs inputs of exactly ``n`` items with distinct, ordinary elements; race probes need
one plausible call repeated many times. Edge cases are the fuzzer's job, not these.
"""

from __future__ import annotations

import random
import string
import typing
import warnings
from typing import Any

from prodgate.dynamic.strategies import MAPPINGS, SEQUENCES, SETS, for_hint

SIZED_STRINGS = (str, bytes)


def unwrap_optional(hint: Any) -> Any:
    """``X`` for ``Optional[X]``; other hints unchanged."""
    if typing.get_origin(hint) in (typing.Union, getattr(__import__("types"), "UnionType", typing.Union)):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return hint


def is_collection(hint: Any) -> bool:
    hint = unwrap_optional(hint)
    origin = typing.get_origin(hint) or hint
    if origin is tuple:
        args = typing.get_args(hint)
        return len(args) == 2 and args[1] is Ellipsis
    return origin in SEQUENCES or origin in SETS or origin in MAPPINGS


def scaled_parameters(params: list[Any]) -> list[str]:
    """The parameters that grow with n: every collection parameter, else every string parameter."""
    collections = [p.name for p in params if is_collection(p.hint)]
    if collections:
        return collections
    return [p.name for p in params if p.hint in SIZED_STRINGS]


def constructor_arguments(owner: type, rng: random.Random) -> dict[str, Any]:
    """Ordinary arguments for ``owner``'s hinted ``__init__`` (to build the instance a method runs on)."""
    hints = typing.get_type_hints(getattr(owner, "__init__"))  # noqa: B009 - mypy rejects __init__ on instances
    return {name: scalar(hint, rng) for name, hint in hints.items() if name != "return"}


def scalar(hint: Any, rng: random.Random) -> Any:
    """An ordinary value of ``hint``: distinct-ish numbers and short words."""
    hint = unwrap_optional(hint)
    if hint is bool:
        return rng.random() < 0.5
    if hint is int:
        return rng.randrange(1, 10**9)
    if hint is float:
        return rng.uniform(1, 10**6)
    if hint is str:
        return "".join(rng.choices(string.ascii_lowercase, k=8))
    if hint is bytes:
        return rng.randbytes(8)
    origin = typing.get_origin(hint)
    if origin is tuple and Ellipsis not in typing.get_args(hint):
        return tuple(scalar(a, rng) for a in typing.get_args(hint))
    if is_collection(hint):
        return sized(hint, 3, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return for_hint(hint).example()


def sized(hint: Any, n: int, rng: random.Random) -> Any:
    """A value of ``hint`` holding ``n`` items (characters for strings)."""
    hint = unwrap_optional(hint)
    if hint is str:
        return "".join(rng.choices(string.ascii_lowercase + " ", k=n))
    if hint is bytes:
        return rng.randbytes(n)
    origin = typing.get_origin(hint) or hint
    args = typing.get_args(hint)
    if origin in MAPPINGS:
        key, value = args if len(args) == 2 else (str, int)
        return {scalar(key, rng): scalar(value, rng) for _ in range(n)}
    element = args[0] if args else int
    items = [scalar(element, rng) for _ in range(n)]
    if origin in SETS:
        return set(items) if origin is not frozenset else frozenset(items)
    if origin is tuple:
        return tuple(items)
    return items
