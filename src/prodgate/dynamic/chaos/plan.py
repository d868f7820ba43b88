"""The fault plan: which call sites and faults to try, with which budgets (``--plan FILE``, TOML).

Every key is optional; an absent plan tries every applicable fault at every recorded site::

    faults = ["connect-timeout", "http-500"]   # default: all fault names
    sites = ["app/payments.py:*"]              # fnmatch patterns on PATH:LINE; default: all
    exclude = ["app/legacy/*"]
    deadline = 10.0        # seconds a test may run with a fault armed
    max_retries = 3        # retries per logical call before it is a storm
    min_backoff = 0.05     # the longest pause between retries must reach this, in seconds
    jobs = 0               # pytest processes in parallel (0: one per CPU)

    [site."app/payments.py:41"]   # per-site overrides (the key is an fnmatch pattern)
    faults = ["read-timeout"]
    max_retries = 5
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from prodgate.core.config import ConfigError
from prodgate.dynamic.chaos.faults import FAULTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Budget:
    max_retries: int = 3
    min_backoff: float = 0.05


@dataclass(frozen=True)
class SiteOverride:
    pattern: str
    faults: tuple[str, ...] | None = None
    max_retries: int | None = None
    min_backoff: float | None = None


@dataclass(frozen=True)
class FaultPlan:
    faults: tuple[str, ...] = tuple(FAULTS)
    sites: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    deadline: float = 10.0
    budget: Budget = field(default_factory=Budget)
    jobs: int = 0
    overrides: tuple[SiteOverride, ...] = ()

    def wants(self, site: str) -> bool:
        if self.sites and not any(fnmatchcase(site, p) for p in self.sites):
            return False
        return not any(fnmatchcase(site, p) for p in self.exclude)

    def faults_for(self, site: str) -> tuple[str, ...]:
        chosen = self.faults
        for override in self.overrides:
            if override.faults is not None and fnmatchcase(site, override.pattern):
                chosen = override.faults
        return chosen

    def budget_for(self, site: str) -> Budget:
        budget = self.budget
        for o in self.overrides:
            if fnmatchcase(site, o.pattern):
                budget = Budget(o.max_retries if o.max_retries is not None else budget.max_retries,
                                o.min_backoff if o.min_backoff is not None else budget.min_backoff)
        return budget

    def with_overrides(self, **values: Any) -> FaultPlan:
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _faults(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of fault names, got {value!r}")
    unknown = [v for v in value if v not in FAULTS]
    if unknown:
        raise ConfigError(f"{key}: unknown fault {unknown[0]!r}; expected names from {', '.join(FAULTS)}")
    return tuple(value)


def _patterns(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of PATH:LINE patterns, got {value!r}")
    return tuple(value)


def _number(key: str, value: Any, integer: bool = False) -> Any:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
        expected = "a non-negative integer" if integer else "a non-negative number of seconds"
        raise ConfigError(f"{key}: expected {expected}, got {value!r}")
    return value


def _check_keys(prefix: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{prefix}{key}: unknown key; expected one of {', '.join(sorted(allowed))}")


def parse_plan(data: Mapping[str, Any]) -> FaultPlan:
    """A plan from a parsed TOML document; unknown keys and bad values raise ``ConfigError``."""
    _check_keys("", data, {"faults", "sites", "exclude", "deadline", "max_retries", "min_backoff", "jobs", "site"})
    budget = Budget(_number("max_retries", data.get("max_retries", 3), integer=True),
                    float(_number("min_backoff", data.get("min_backoff", 0.05))))
    deadline = float(_number("deadline", data.get("deadline", 10.0)))
    if deadline <= 0:
        raise ConfigError(f"deadline: expected a positive number of seconds, got {deadline!r}")
    overrides = []
    sites_table = data.get("site", {})
    if not isinstance(sites_table, dict):
        raise ConfigError("site: expected tables keyed by PATH:LINE pattern")
    for pattern, table in sites_table.items():
        prefix = f"site.{pattern!r}."
        if not isinstance(table, dict):
            raise ConfigError(f"site.{pattern!r}: expected a table")
        _check_keys(prefix, table, {"faults", "max_retries", "min_backoff"})
        overrides.append(SiteOverride(
            pattern, _faults(prefix + "faults", table["faults"]) if "faults" in table else None,
            _number(prefix + "max_retries", table["max_retries"], integer=True) if "max_retries" in table else None,
            float(_number(prefix + "min_backoff", table["min_backoff"])) if "min_backoff" in table else None))
    return FaultPlan(
        faults=_faults("faults", data["faults"]) if "faults" in data else tuple(FAULTS),
        sites=_patterns("sites", data.get("sites", [])), exclude=_patterns("exclude", data.get("exclude", [])),
        deadline=deadline, budget=budget, jobs=_number("jobs", data.get("jobs", 0), integer=True),
        overrides=tuple(overrides))


def load_plan(path: Path) -> FaultPlan:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: fault plan not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the fault plan: {exc}") from None
    try:
        return parse_plan(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
