"""Collections, trees and counters that validate their input."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


class OutOfStock(Exception):
    """Raised when an order asks for more than the stock holds."""


def chunk(items: list[int], size: int) -> list[list[int]]:
    """Split items into consecutive chunks of the given size."""
    if size <= 0:
        raise ValueError(f"chunk size must be positive, got {size}")
    return [items[i:i + size] for i in range(0, len(items), size)]


def merge_config(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge override into a copy of base."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = merge_config(current, value)
        else:
            merged[key] = value
    return merged


def tree_depth(node: dict[str, Any]) -> int:
    """Depth of a category tree given as nested {'children': [...]} dicts."""
    depth = 0
    level = [node]
    while level:
        depth += 1
        following = []
        for item in level:
            children = item.get("children")
            if isinstance(children, list):
                following.extend(child for child in children if isinstance(child, dict))
        level = following
    return depth


def collatz_steps(n: int) -> int:
    """Number of Collatz steps needed to reach 1."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


@dataclass
class Inventory:
    stock: dict[str, int] = field(default_factory=dict)

    def remove(self, sku: str, quantity: int) -> int:
        """Take quantity items of sku out of stock and return what is left."""
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        available = self.stock.get(sku, 0)
        if available < quantity:
            raise OutOfStock(f"{sku}: {available} in stock, {quantity} requested")
        self.stock[sku] = available - quantity
        return self.stock[sku]


_lock = threading.Lock()
_next_invoice = 0


def _format_invoice(prefix: str, number: int) -> str:
    return f"{prefix.strip().upper()}-{number:08d}"


def next_invoice_number(prefix: str) -> str:
    """Allocate the next invoice number."""
    global _next_invoice
    with _lock:
        current = _next_invoice
        number = _format_invoice(prefix, current)
        _next_invoice = current + 1
    return number
