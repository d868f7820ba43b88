"""Edge-biased strategies: the edges are generated, and values fit their hints."""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple, Optional, TypedDict, Union

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from prodgate.dynamic.strategies import for_hint


class Color(enum.Enum):
    RED = 1
    BLUE = 2


@dataclasses.dataclass
class Point:
    x: int
    y: float

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError("x must not be negative")


class Movie(TypedDict, total=False):
    title: str
    year: int


class Pair(NamedTuple):
    left: str
    right: bytes


def first(hint: Any, condition: Callable[[Any], bool]) -> Any:
    return find(for_hint(hint), condition, settings=settings(max_examples=300, database=None))


@pytest.mark.parametrize(("hint", "condition"), [
    (list[int], lambda v: v == []),
    (list[int], lambda v: len(v) == 1),
    (list[int], lambda v: len(v) >= 2 and len(set(v)) < len(v)),
    (Optional[str], lambda v: v is None),  # noqa: UP045 - the typing spelling is what is tested
    (Union[int, None], lambda v: v is None),  # noqa: UP007 - the typing spelling is what is tested
    (int, lambda v: v == 0),
    (int, lambda v: v == -1),
    (int, lambda v: v >= 2**63),
    (float, lambda v: isinstance(v, float) and math.isnan(v)),
    (float, lambda v: v == math.inf),
    (str, lambda v: v == ""),
    (str, lambda v: v != "" and v.isspace()),
    (str, lambda v: any(ord(c) > 127 for c in v)),
    (dict[str, int], lambda v: v == {}),
    (Mapping[str, Any], lambda v: any(isinstance(x, list) for x in v.values())),
    (Any, lambda v: isinstance(v, list) and len(repr(v)) > 40 and repr(v).startswith("[[[[[[[[")),
    (set[int], lambda v: v == set()),
    (tuple[int, ...], lambda v: v == ()),
    (Sequence[bytes], lambda v: b"" in v),
])
def test_edges_are_generated(hint: Any, condition: Callable[[Any], bool]) -> None:
    assert condition(first(hint, condition))


@given(st.data())
@settings(max_examples=60)
def test_values_fit_their_hints(data: st.DataObject) -> None:
    assert data.draw(for_hint(Literal["a", "b"])) in ("a", "b")
    assert isinstance(data.draw(for_hint(Color)), Color)
    point = data.draw(for_hint(Point))
    assert isinstance(point, Point) and point.x >= 0  # the constructor's validation is respected
    movie = data.draw(for_hint(Movie))
    assert set(movie) <= {"title", "year"}
    pair = data.draw(for_hint(Pair))
    assert isinstance(pair, Pair) and isinstance(pair.right, bytes)
    scores = data.draw(for_hint(dict[Color, list[int | None]]))
    assert all(isinstance(k, Color) and all(v is None or isinstance(v, int) for v in vs) for k, vs in scores.items())
