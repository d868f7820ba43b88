"""Parsing helpers for configuration lines, tokens and customer names."""

from __future__ import annotations

from typing import Any


def parse_key_value(line: str) -> tuple[str, str]:
    """Parse a `key=value` configuration line."""
    key, value = line.split("=")
    return key.strip(), value.strip()


def initials(full_name: str) -> str:
    """Return the initials of a full name, e.g. 'Ada Lovelace' -> 'AL'."""
    return "".join(part[0].upper() for part in full_name.split(" "))


def first_sentence(text: str) -> str:
    """Return the first sentence of a paragraph."""
    return text[: text.index(".") + 1]


def decode_token(token: str) -> dict[str, str]:
    """Split a JWT-like token into its three parts."""
    header, payload, signature = token.split(".")
    return {"header": header, "payload": payload, "signature": signature}


def deep_get(data: dict[str, Any], path: str) -> Any:
    """Read a nested value with a dotted path such as 'user.profile.email'."""
    for part in path.split("."):
        data = data[part]
    return data


def ascii_name(name: str) -> str:
    """Normalise a customer name for the legacy billing system."""
    return name.encode("ascii").decode("ascii").strip().title()
