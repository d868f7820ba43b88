"""Batching, pagination and identifier helpers."""

from __future__ import annotations


def chunk(items: list[int], size: int) -> list[list[int]]:
    """Split items into consecutive chunks of the given size."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def collatz_steps(n: int) -> int:
    """Number of Collatz steps needed to reach 1."""
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def strip_prefixes(text: str, prefix: str) -> str:
    """Remove every leading repetition of prefix from text."""
    while text.startswith(prefix):
        text = text[len(prefix):]
    return text


def page_offsets(total: int, page_size: int) -> list[int]:
    """Offsets of the pages needed to list total rows."""
    offsets = []
    offset = 0
    while offset < total:
        offsets.append(offset)
        offset += page_size
    return offsets


def dedupe(emails: list[str]) -> list[str]:
    """Remove duplicate emails, keeping the first occurrence."""
    unique: list[str] = []
    for email in emails:
        if email not in unique:
            unique.append(email)
    return unique


def common_tags(left: list[str], right: list[str]) -> list[str]:
    """Tags present in both lists, in the order of the first."""
    return [tag for tag in left if tag in right]


_next_invoice = 0


def _format_invoice(prefix: str, number: int) -> str:
    return f"{prefix.strip().upper()}-{number:08d}"


def next_invoice_number(prefix: str) -> str:
    """Allocate the next invoice number."""
    global _next_invoice
    current = _next_invoice
    number = _format_invoice(prefix, current)
    _next_invoice = current + 1
    return number
