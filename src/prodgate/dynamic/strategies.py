"""Hypothesis strategies from type hints, biased toward the edges generated code forgets.

Every scalar and collection strategy is ``one_of(edges, general)``: Hypothesis draws the edge
cases (empty and single-element collections, ``None`` for ``Optional``, 0/-1/huge integers,
NaN and infinities, empty, whitespace and non-ASCII strings, duplicated elements, keys shared between mappings,
deep nesting)
about as often as general values, and shrinks toward the first branch. Classes (dataclasses,
attrs, pydantic models, NamedTuples, plain classes with hinted ``__init__``) are built from
their fields with the same strategies; a value their constructor rejects is not generated.
Anything else falls back to ``hypothesis.strategies.from_type``.
"""

from __future__ import annotations

import collections
import collections.abc as abc
import dataclasses
import enum
import inspect
import math
import types
import typing
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

MAX_DEPTH = 4
INT_EDGES = (0, 1, -1, 2, 2**31 - 1, -(2**31), 2**63, -(2**63) - 1, 10**18)
FLOAT_EDGES = (0.0, -0.0, 1.0, -1.0, math.nan, math.inf, -math.inf, 1e-308, 5e-324, 1.7976931348623157e308, 0.1)
STR_EDGES = ("", " ", "  \t\n", "a", "A", "0", "-1", "é", "ß", "İ", "日本語", "🙂", "\u200b", "\x00", "a b", "NaN", "None")
KEY_POOLS: dict[Any, tuple[Any, ...]] = {str: ("", "id", "name"), int: (0, 1, -1)}
BYTES_EDGES = (b"", b"\x00", b"\xff", b" ", b"a", "é".encode())


def _edged(edges: tuple[Any, ...], general: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(edges), general)


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _any_value() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), _edged(INT_EDGES, st.integers()),
                        _edged(FLOAT_EDGES, st.floats()), _edged(STR_EDGES, st.text()))
    nested = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
    return st.one_of(nested, st.builds(_nested, st.sampled_from((20, 200))))


def _hashable() -> st.SearchStrategy[Any]:
    return st.one_of(_edged(INT_EDGES, st.integers()), _edged(STR_EDGES, st.text()))


def _collection(element: st.SearchStrategy[Any], unique: bool = False) -> st.SearchStrategy[list[Any]]:
    """Lists with the edges first: empty, one element, duplicated elements, then any size."""
    edges = [st.just([]), st.lists(element, min_size=1, max_size=1)]
    if not unique:
        edges.append(st.lists(element, min_size=1, max_size=3).map(lambda xs: xs + xs))
    return st.one_of(*edges, st.lists(element, max_size=20, unique_by=repr if unique else None))


def _construct(cls: type, fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> Any:
        kwargs = {name: draw(strategy) for name, strategy in fields.items()}
        try:
            return cls(**kwargs)
        except Exception:
            reject()  # the constructor's own validation rejects this combination

    return build()


def class_fields(cls: type, depth: int) -> dict[str, st.SearchStrategy[Any]] | None:
    """Strategies for the constructor arguments of ``cls``, or None when some cannot be generated."""
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return {f.name: for_hint(hints.get(f.name, Any), depth + 1) for f in dataclasses.fields(cls) if f.init}
    if hasattr(cls, "model_fields"):  # pydantic v2
        return {name: for_hint(info.annotation, depth + 1) for name, info in cls.model_fields.items()}
    if hasattr(cls, "__attrs_attrs__"):
        hints = typing.get_type_hints(cls)
        return {a.alias or a.name: for_hint(hints.get(a.name, Any), depth + 1)
                for a in cls.__attrs_attrs__ if a.init}
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        hints = typing.get_type_hints(cls)
        return {name: for_hint(hints.get(name, Any), depth + 1) for name in cls._fields}
    init = cls.__dict__.get("__init__")
    if init is None or not inspect.isfunction(init):
        return None
    try:
        hints = typing.get_type_hints(init)
    except Exception:
        return None
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for param in list(inspect.signature(init).parameters.values())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name in hints:
            fields[param.name] = for_hint(hints[param.name], depth + 1)
        elif param.default is param.empty:
            return None
    return fields


def _typed_dict(hint: Any, depth: int) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(hint)
    required = getattr(hint, "__required_keys__", frozenset(hints))
    return st.fixed_dictionaries({k: for_hint(v, depth + 1) for k, v in hints.items() if k in required},
                                 optional={k: for_hint(v, depth + 1) for k, v in hints.items() if k not in required})


SEQUENCES = {list, abc.Sequence, abc.MutableSequence, abc.Iterable, abc.Collection, abc.Reversible, typing.Sequence,
             typing.Iterable, typing.Collection, typing.MutableSequence}
MAPPINGS = {dict, abc.Mapping, abc.MutableMapping, typing.Mapping, typing.MutableMapping}
SETS = {set, frozenset, abc.Set, abc.MutableSet, typing.AbstractSet}


def _generic(origin: Any, args: tuple[Any, ...], hint: Any, depth: int) -> st.SearchStrategy[Any] | None:
    def arg(index: int, hashable: bool = False) -> st.SearchStrategy[Any]:
        if len(args) > index:
            return for_hint(args[index], depth + 1)
        return _hashable() if hashable else _any_value()

    if origin in SEQUENCES:
        return _collection(arg(0))
    if origin in (abc.Iterator, abc.Generator):
        return _collection(arg(0)).map(iter)
    if origin is collections.deque:
        return _collection(arg(0)).map(collections.deque)
    if origin in SETS:
        return _collection(arg(0, hashable=True), unique=True).map(frozenset if origin is frozenset else set)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _collection(arg(0)).map(tuple)
        if args == ((),):
            return st.just(())
        return st.tuples(*(for_hint(a, depth + 1) for a in args)) if args else _collection(_any_value()).map(tuple)
    if origin in MAPPINGS or origin in (collections.defaultdict, collections.OrderedDict, collections.Counter):
        keys, values = arg(0, hashable=True), (for_hint(int, depth + 1) if origin is collections.Counter else arg(1))
        branches = [st.just({}), st.dictionaries(keys, values, min_size=1, max_size=1)]
        pool = KEY_POOLS.get(args[0] if args else str)
        if pool:  # keys from a tiny pool: two mappings of one call share keys (merges, overrides, joins)
            branches.append(st.dictionaries(st.sampled_from(pool), values, min_size=1, max_size=len(pool)))
        dicts = st.one_of(*branches, st.dictionaries(keys, values, max_size=10))
        if origin is collections.Counter:
            return dicts.map(collections.Counter)
        if origin is collections.OrderedDict:
            return dicts.map(collections.OrderedDict)
        return dicts
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is typing.Annotated:
        return for_hint(args[0], depth)
    if origin in (typing.Union, types.UnionType):
        members = sorted(args, key=lambda a: a is not type(None))  # None first: it is the edge
        return st.one_of(*(for_hint(a, depth) for a in members))
    return None


def for_hint(hint: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """An edge-biased strategy for values of type ``hint``."""
    if depth > MAX_DEPTH:
        return st.nothing()
    if hint is None or hint is type(None):
        return st.none()
    if hint is Any or hint is object:
        return _any_value()
    origin = typing.get_origin(hint)
    if origin is not None:
        found = _generic(origin, typing.get_args(hint), hint, depth)
        if found is not None:
            return found
        return st.from_type(hint)
    if isinstance(hint, typing.TypeVar):
        return for_hint(hint.__bound__ or Any, depth)
    if isinstance(hint, typing.NewType):
        return for_hint(hint.__supertype__, depth)
    if hint is bool:
        return st.booleans()
    if hint is int:
        return _edged(INT_EDGES, st.integers())
    if hint is float:
        return _edged(FLOAT_EDGES, st.floats())
    if hint is str:
        return _edged(STR_EDGES, st.text())
    if hint is bytes:
        return _edged(BYTES_EDGES, st.binary())
    if hint in SEQUENCES or hint in MAPPINGS or hint in SETS or hint is tuple:
        return _generic(hint, (), hint, depth) or st.from_type(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if typing.is_typeddict(hint):
        return _typed_dict(hint, depth)
    if isinstance(hint, type):
        fields = class_fields(hint, depth)
        if fields is not None:
            return _construct(hint, fields)
    return st.from_type(hint)
