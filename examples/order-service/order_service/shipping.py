"""Shipping quotes from the carrier's API, with a flat-rate fallback."""

from __future__ import annotations

import httpx

FLAT_RATE_CENTS = 990


def quote(base_url: str, weight_grams: int) -> int:
    """Hardened: timeout, status checked, any failure falls back to the flat rate."""
    try:
        response = httpx.get(f"{base_url.rstrip('/')}/quote", params={"weight": weight_grams}, timeout=0.5)
        if response.status_code != 200:
            return FLAT_RATE_CENTS
        return int(response.json()["cents"])
    except (httpx.HTTPError, ValueError, KeyError):
        return FLAT_RATE_CENTS
