"""Timestamps as logs and events write them, read as aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?")


def find_timestamp(text: str) -> datetime | None:
    """The first ISO-8601-like timestamp in ``text`` (no zone: UTC), or None."""
    found = STAMP.search(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    offset = timezone.utc
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, offset)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


def timestamp_of(value: Any) -> datetime | None:
    """A timestamp field: ISO text, or seconds (Sentry) or nanoseconds (OTLP) since the epoch."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, (int, float)):
        seconds = value / 1e9 if value > 1e14 else value
        try:
            return datetime.fromtimestamp(seconds, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        return find_timestamp(value)
    return None
