"""Statistics and money helpers that validate their input."""

from __future__ import annotations

import math


def safe_average(values: list[float]) -> float:
    """Return the mean of values; an empty list is an error."""
    if not values:
        raise ValueError("cannot average an empty list")
    return sum(values) / len(values)


def median(values: list[float]) -> float:
    """Return the median of values; an empty list is an error."""
    if not values:
        raise ValueError("median of an empty list is undefined")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percent_change(old: float, new: float) -> float | None:
    """Percentage change from old to new, or None when old is zero."""
    if old == 0:
        return None
    return (new - old) / old * 100


def to_cents(amount: float) -> int:
    """Convert a dollar amount to integer cents."""
    if not math.isfinite(amount) or abs(amount) > 1e13:
        raise ValueError(f"amount out of range: {amount!r}")
    return round(amount * 100)


def clamp(value: float, low: float, high: float) -> float:
    """Clamp value into [low, high]."""
    if low > high:
        raise ValueError(f"empty range: {low} > {high}")
    return max(low, min(value, high))
