"""Pricing and reporting helpers for the orders service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Order:
    order_id: str
    total: float
    items: int


def average_order_value(orders: list[Order]) -> float:
    """Return the mean order total."""
    return sum(order.total for order in orders) / len(orders)


def median(values: list[float]) -> float:
    """Return the median of the values."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 0:
        return (ordered[middle - 1] + ordered[middle]) / 2
    return ordered[middle]


def percent_change(old: float, new: float) -> float:
    """Percentage change from old to new."""
    return (new - old) / old * 100


def normalize_scores(scores: list[float]) -> list[float]:
    """Scale scores into the range [0, 1]."""
    low, high = min(scores), max(scores)
    return [(score - low) / (high - low) for score in scores]


def to_cents(amount: float) -> int:
    """Convert a dollar amount to integer cents."""
    return int(round(amount * 100))  # noqa: RUF046 - written as assistants write it


def progress_bar(done: int, total: int, width: int = 20) -> str:
    """Render a text progress bar such as [#####.....]."""
    filled = width * done // total
    return "[" + "#" * filled + "." * (width - filled) + "]"
