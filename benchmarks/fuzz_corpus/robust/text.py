"""Text helpers that validate their input."""

from __future__ import annotations

import re
from typing import Any


def parse_key_value(line: str) -> tuple[str, str]:
    """Parse a `key=value` configuration line."""
    key, separator, value = line.partition("=")
    if not separator or not key.strip():
        raise ValueError(f"expected key=value, got {line!r}")
    return key.strip(), value.strip()


def slugify(title: str) -> str:
    """Turn a title into a URL slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
    return slug or "untitled"


def user_email(user: dict[str, Any]) -> str | None:
    """The user's profile email, or None when it is missing."""
    profile = user.get("profile")
    if not isinstance(profile, dict):
        return None
    email = profile.get("email")
    return email if isinstance(email, str) else None


def dedupe(emails: list[str]) -> list[str]:
    """Remove duplicate emails, keeping the first occurrence."""
    seen: set[str] = set()
    unique = []
    for email in emails:
        if email not in seen:
            seen.add(email)
            unique.append(email)
    return unique
