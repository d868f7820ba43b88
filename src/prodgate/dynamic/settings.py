"""``[tool.prodgate.fuzz]``: the settings of ``prodgate fuzz``, declared once (see docs/fuzz.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from prodgate.core.config import CHECKS, ConfigError, Key


def _expected(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table of function -> list of exception names, got {value!r}")
    return {function: CHECKS["strings"](f"{key}.{function}", names) for function, names in value.items()}


def _positive(key: str, value: Any) -> int:
    number = CHECKS["int"](key, value)
    if number == 0:
        raise ConfigError(f"{key}: expected a positive integer, got 0")
    return int(number)


KEYS: tuple[Key, ...] = (
    Key("max-examples", _positive, 200, "Inputs Hypothesis tries per function."),
    Key("time-budget", _positive, 20, "Seconds of fuzzing per function (shrinking included)."),
    Key("call-timeout-ms", _positive, 1000, "Milliseconds one call may take before it counts as a hang."),
    Key("memory-limit-mb", _positive, 2048, "Address-space limit of each sandbox process, in MiB."),
    Key("output-limit-kb", _positive, 2000, "Output (stdout and stderr) a sandbox process may print, in KiB."),
    Key("allow-network", CHECKS["bool"], False, "Let fuzzed code open network connections (blocked by default)."),
    Key("expected", _expected, {}, "Exceptions that are correct behaviour for a function: "
        "`\"pkg.mod:func\" = [\"KeyError\"]` (a bare qualname matches in any module)."),
    Key("scaling", CHECKS["bool"], True, "Measure how time and memory grow for functions over collections and strings."),
    Key("production-size", _positive, 100_000, "The input size (items, characters) production sees."),
    Key("scaling-budget-ms", _positive, 1000, "Time one call may take at the production size."),
    Key("scaling-memory-budget-mb", _positive, 1024, "Peak memory one call may use at the production size, in MiB."),
    Key("races", CHECKS["bool"], True, "Run functions that touch shared state from many threads."),
)


@dataclass(frozen=True)
class FuzzSettings:
    max_examples: int = 200
    time_budget: int = 20
    call_timeout_ms: int = 1000
    memory_limit_mb: int = 2048
    output_limit_kb: int = 2000
    allow_network: bool = False
    expected: Mapping[str, tuple[str, ...]] | None = None
    scaling: bool = True
    production_size: int = 100_000
    scaling_budget_ms: int = 1000
    scaling_memory_budget_mb: int = 1024
    races: bool = True

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> FuzzSettings:
        defaults = {k.name: k.default for k in KEYS}
        values = {**defaults, **table}
        return cls(**{name.replace("-", "_"): value for name, value in values.items()})

    def with_overrides(self, **overrides: Any) -> FuzzSettings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def expected_for(self, module: str, qualname: str) -> tuple[str, ...]:
        table = self.expected or {}
        return (*table.get(f"{module}:{qualname}", ()), *table.get(qualname, ()))
