"""``[tool.prodgate.feedback]``: how production incidents weigh on the policy and which assistant
files ``prodgate guidance`` writes. Declared through the ``prodgate.config`` entry point."""

from __future__ import annotations

from typing import Any

from prodgate.core.config import CHECKS, ConfigError, Key


def _days(key: str, value: Any) -> int:
    days = CHECKS["int"](key, value)
    if days < 1:
        raise ConfigError(f"{key}: expected at least 1 day, got {value!r}")
    return int(days)


KEYS: tuple[Key, ...] = (
    Key("learn", CHECKS["bool"], True,
        "Raise the severity of findings in categories that caused production incidents (`prodgate incidents ingest`)."),
    Key("window-days", _days, 30, "Only incidents of the last this many days count."),
    Key("high-after", CHECKS["int"], 1,
        "This many incidents of a category in the window raise its findings to at least high (0: never)."),
    Key("critical-after", CHECKS["int"], 5,
        "This many incidents of a category in the window raise its findings to critical (0: never)."),
    Key("max-severity", CHECKS["severity"], None,
        "The highest severity learning may raise a finding to (default: critical)."),
    Key("guidance-files", CHECKS["strings"], (),
        "Files `prodgate guidance` writes, relative to the project root (default: the assistant files that exist, "
        "else `AGENTS.md`)."),
    Key("guidance-lessons", CHECKS["int"], 8, "At most this many failure classes in the guidance section."),
)
