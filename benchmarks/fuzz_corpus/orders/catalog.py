"""Catalogue, inventory and configuration helpers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Optional


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


def hex_for(color: Color) -> str:
    """Return the CSS hex code of a catalogue colour."""
    codes = {Color.RED: "#ff0000", Color.GREEN: "#00ff00"}
    return codes[color]


def format_address(street: str, unit: Optional[str]) -> str:  # noqa: UP045 - written as assistants write it
    """Format a street address with an optional unit."""
    return f"{street}, Unit {unit.upper()}"


def weekday_name(index: int) -> str:
    """Return the weekday name for an index from 0 (Monday)."""
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return names[index]


def merge_config(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge override into a copy of base."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and key in merged:
            merged[key] = dict(merged[key])
            merged[key].update(value)
        else:
            merged[key] = value
    return merged


def tree_depth(node: dict[str, Any]) -> int:
    """Depth of a category tree given as nested {'children': [...]} dicts."""
    children = node.get("children", [])
    return 1 + max(tree_depth(child) for child in children)


@dataclass
class Inventory:
    stock: dict[str, int] = field(default_factory=dict)

    def remove(self, sku: str, quantity: int) -> int:
        """Take quantity items of sku out of stock and return what is left."""
        self.stock[sku] -= quantity
        return self.stock[sku]
