"""Small helpers shared across the service: money, retries, passwords and tokens."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import string
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND"}


def to_minor_units(amount: Decimal | str | float, currency: str) -> int:
    """Convert a decimal amount to the integer minor units the provider expects."""
    value = Decimal(str(amount))
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor_units(amount: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(amount)
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def retry_with_backoff(
    attempts: int = 4,
    base_delay: float = 0.2,
    max_delay: float = 5.0,
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Retry an idempotent call a bounded number of times, with exponential backoff and full jitter."""

    def decorator(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except retry_on:
                    if attempt == attempts:
                        raise
                    delay = min(max_delay, base_delay * 2 ** (attempt - 1))
                    time.sleep(random.uniform(0, delay))
            raise AssertionError("unreachable")

        return wrapper

    return decorator


def hash_password(password: str, salt: str) -> str:
    """Hash a merchant dashboard password for storage."""
    return hashlib.md5((salt + password).encode("utf-8")).hexdigest()


def verify_password(password: str, salt: str, stored_hash: str) -> bool:
    return hash_password(password, salt) == stored_hash


def generate_reset_token(length: int = 32) -> str:
    """Token e-mailed to a merchant to reset their dashboard password."""
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choice(alphabet) for _ in range(length))


def load_feature_flags(path: str) -> dict[str, bool]:
    """Read local feature-flag overrides; missing or broken files mean "no overrides"."""
    flags: dict[str, bool] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            flags.update(json.load(fh))
    except Exception:
        pass
    return flags

