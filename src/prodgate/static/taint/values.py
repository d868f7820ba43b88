"""Abstract values of the taint interpreter and how they combine.

A ``Value`` says where untrusted data in it came from (``origins``), which sink kinds it has been
sanitized for (``clean_for``), its constant value when known (so dead branches, constant
conditions and container look-ups fold away), the known elements of lists and dicts, and the
steps that carried the taint (for the finding's flow).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
MAX_STEPS = 12
MAX_ITEMS = 64
MAX_ALTERNATIVES = 8


@dataclass(frozen=True, slots=True)
class Origin:
    """Where taint started: ``source`` (untrusted input), ``param`` (a parameter of the analysed
    function, for summaries), ``self`` (an attribute of ``self``) or ``call`` (the result of a
    project function in another module, decided once every module is indexed)."""

    kind: str
    name: str
    line: int
    column: int
    index: int = -1


@dataclass(frozen=True, slots=True)
class Step:
    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class Value:
    origins: frozenset[Origin] = frozenset()
    const: object = UNKNOWN
    items: tuple[Value, ...] | None = None
    entries: tuple[tuple[object, Value], ...] | None = None
    clean_for: frozenset[str] = frozenset()
    steps: tuple[Step, ...] = ()
    text: str = ""
    kind: str = ""  # "request" for framework request objects, "path", "object:<callee>", "module:<name>"
    attrs: tuple[tuple[str, Value], ...] = ()
    alternatives: frozenset[object] = frozenset()  # constants the value may be, when ``const`` is unknown

    @property
    def tainted(self) -> bool:
        return bool(self.origins)

    def tainted_for(self, sink: str) -> bool:
        return bool(self.origins) and sink not in self.clean_for

    def with_step(self, step: Step | None) -> Value:
        if step is None or not self.origins or (self.steps and self.steps[-1].line == step.line):
            return self
        return replace(self, steps=(*self.steps, step)[-MAX_STEPS:])

    def cleaned(self, sinks: Iterable[str]) -> Value:
        return replace(self, clean_for=self.clean_for | frozenset(sinks)) if self.origins else self

    def possible(self) -> frozenset[object]:
        """Every constant this value may hold (empty when unknown)."""
        if self.const is not UNKNOWN:
            return frozenset({self.const}) if _hashable(self.const) else frozenset()
        return self.alternatives

    def attr(self, name: str) -> Value | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None

    def lookup(self, key: object) -> Value | None:
        if self.entries is None:
            return None
        for entry_key, value in self.entries:
            if entry_key == key:
                return value
        return None


CLEAN = Value()


def constant(value: object) -> Value:
    return Value(const=value, text=value if isinstance(value, str) else "")


def combine(parts: Iterable[Value], *, const: object = UNKNOWN, text: str | None = None, kind: str = "") -> Value:
    """A new value computed from ``parts``: tainted by any, sanitized only where all tainted parts are."""
    origins: set[Origin] = set()
    clean: frozenset[str] | None = None
    steps: tuple[Step, ...] = ()
    texts = []
    for part in parts:
        texts.append(part.text)
        if part.origins:
            origins |= part.origins
            clean = part.clean_for if clean is None else clean & part.clean_for
            if not steps or len(part.steps) < len(steps):
                steps = part.steps
    return Value(frozenset(origins), const, clean_for=clean or frozenset(), steps=steps,
                 text=("".join(texts) if text is None else text)[:400], kind=kind)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def join(a: Value, b: Value) -> Value:
    """The value after two control-flow paths meet."""
    if a is b or a == b:
        return a
    if not a.origins and not b.origins and a.kind == b.kind == "":
        const = a.const if a.const == b.const and type(a.const) is type(b.const) else UNKNOWN
        items = _join_items(a.items, b.items)
        entries = _join_entries(a.entries, b.entries)
        left, right = a.possible(), b.possible()
        alternatives = left | right if const is UNKNOWN and left and right and len(left | right) <= MAX_ALTERNATIVES else frozenset()
        return Value(const=const, items=items, entries=entries, text=a.text if a.text == b.text else "",
                     alternatives=alternatives)
    if a.origins and b.origins:
        clean = a.clean_for & b.clean_for
    else:
        clean = a.clean_for if a.origins else b.clean_for
    steps = a.steps if a.origins and (not b.origins or len(a.steps) <= len(b.steps)) else b.steps
    const = a.const if a.const == b.const and type(a.const) is type(b.const) else UNKNOWN
    attrs = tuple(dict([*b.attrs, *a.attrs]).items())
    return Value(a.origins | b.origins, const, _join_items(a.items, b.items), _join_entries(a.entries, b.entries),
                 clean, steps, a.text if a.text == b.text else a.text + b.text, a.kind if a.kind == b.kind else "",
                 attrs)


def _join_items(a: tuple[Value, ...] | None, b: tuple[Value, ...] | None) -> tuple[Value, ...] | None:
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(join(x, y) for x, y in zip(a, b))


def _join_entries(a: tuple[tuple[object, Value], ...] | None,
                  b: tuple[tuple[object, Value], ...] | None) -> tuple[tuple[object, Value], ...] | None:
    if a is None or b is None:
        return None
    left, right = dict(a), dict(b)
    if left.keys() != right.keys():
        return None
    return tuple((key, join(left[key], right[key])) for key in left)


def collapse(value: Value) -> Value:
    """The value of "some element of" a container (iteration, unknown index)."""
    parts = [value]
    if value.items:
        parts.extend(value.items)
    if value.entries:
        parts.extend(v for _, v in value.entries)
    result = combine(parts)
    return replace(result, kind=value.kind) if value.kind == "request" else result


def container(items: tuple[Value, ...] | None = None,
              entries: tuple[tuple[object, Value], ...] | None = None) -> Value:
    """A list/tuple or dict with known elements, tainted by (and only by) its elements."""
    elements = list(items or ()) + [v for _, v in entries or ()]
    tainted = combine(elements) if any(e.origins for e in elements) else CLEAN
    return Value(tainted.origins, items=items, entries=entries, clean_for=tainted.clean_for, steps=tainted.steps)


def container_like(old: Value, *, items: tuple[Value, ...] | None = None,
                   entries: tuple[tuple[object, Value], ...] | None = None) -> Value:
    """``old`` with new known elements (its taint recomputed from them)."""
    fresh = container(items if items is not None else old.items, entries if entries is not None else old.entries)
    return replace(fresh, kind=old.kind)
